import Domain
import Foundation

/// The CSV schema shared by every per-(model, η) table: timm's results-file columns first, in
/// timm's order, then the columns this harness adds. Percentages with 3 decimals and
/// param_count in millions with 2, as timm writes them; shares as fractions.
public enum ResultCSV {
    public static let columns = [
        // timm (results/results-imagenet.csv), same order and units.
        "model", "top1", "top1_err", "top5", "top5_err", "param_count", "img_size", "crop_pct", "interpolation",
        // repro.
        "variant", "eta", "gflops", "stage1_exit_share", "n_images",
        "top1_ci_low", "top1_ci_high", "top5_ci_low", "top5_ci_high",
        "stage1_top1", "stage2_top1",
        "throughput", "throughput_batch", "throughput_threads",
        "paper_top1", "paper_gflops", "paper_throughput", "paper_stage1_top1", "paper_stage2_top1", "paper_source",
        // Paired statistics against the row's baseline at this eta (empty where not recorded).
        "paired_reference", "delta_top1", "delta_ci_low", "delta_ci_high", "mcnemar_p",
        "only_model_correct", "only_reference_correct",
        "weights_sha256", "git_rev",
    ]

    /// One row for `model` at `eta` (nil for a single-stage model). Fields the data does not
    /// have are empty, never zero.
    static func row(_ report: SuiteReport, _ model: ModelResult, eta: Double?, paper: Bool = true) -> [String] {
        let point = model.point(at: eta)
        let tp = model.throughput(at: eta, setting: report.throughputSetting)
        let index = report.paperIndex
        func pct(_ correct: Int, _ n: Int) -> String { Fixed.string(Fixed.percent(correct, of: n), 3) }
        func paperValue(_ metric: PaperMetric) -> (Double, String)? {
            paper ? index.value(metric, model: model.name, eta: model.isTwoStage ? eta : nil) : nil
        }
        var sources: [String] = []
        func paperField(_ metric: PaperMetric) -> String {
            guard let (v, source) = paperValue(metric) else { return "" }
            if !sources.contains(source) { sources.append(source) }
            return Cell.paper(v, metric)
        }
        var r: [String] = [model.name]
        if let p = point {
            r += [pct(p.top1Correct, p.images), pct(p.images - p.top1Correct, p.images),
                  pct(p.top5Correct, p.images), pct(p.images - p.top5Correct, p.images)]
        } else {
            r += ["", "", "", ""]
        }
        r += [model.paramCount.map { Fixed.string(Double($0) / 1e6, 2) } ?? "",
              model.imageSize.map(String.init) ?? "",
              model.cropPct.map { Fixed.string($0, 3) } ?? "",
              model.interpolation ?? ""]
        r += [model.variant, eta.map { Fixed.string($0, 2) } ?? ""]
        if let p = point {
            let t1 = WilsonInterval(successes: p.top1Correct, trials: p.images)
            let t5 = WilsonInterval(successes: p.top5Correct, trials: p.images)
            r += [Fixed.string(p.gflops, 4), Fixed.string(p.stage1ExitShare, 6), String(p.images),
                  Fixed.string(100 * t1.lower, 3), Fixed.string(100 * t1.upper, 3),
                  Fixed.string(100 * t5.lower, 3), Fixed.string(100 * t5.upper, 3)]
        } else {
            r += ["", "", "", "", "", "", ""]
        }
        let first = model.stages[0]
        r.append(pct(first.top1Correct, first.images))
        if model.isTwoStage, let last = model.stages.last {
            r.append(pct(last.top1Correct, last.images))
        } else {
            r.append("")
        }
        if let t = tp {
            r += [Fixed.string(t.imagesPerSecond, 2), String(t.batchSize), String(t.threads)]
        } else {
            r += ["", "", ""]
        }
        r += [paperField(.top1), paperField(.gflops), paperField(.throughput),
              paperField(.stage1Top1), paperField(.stage2Top1)]
        r.append(sources.joined(separator: "; "))
        if let b = model.baseline, let pp = model.paired(against: b)?.point(at: model.isTwoStage ? eta : nil) {
            r += [b, Fixed.string(pp.deltaPoints, 3), Fixed.string(100 * pp.low, 3), Fixed.string(100 * pp.high, 3),
                  Cell.pValueCSV(pp.mcnemarP), String(pp.counts.onlyModelCorrect), String(pp.counts.onlyReferenceCorrect)]
        } else {
            r += ["", "", "", "", "", "", ""]
        }
        r += [model.weightsSHA256 ?? "", model.gitRevision ?? report.provenance.gitRevision]
        return r
    }

    /// Every sweep point of every model: the whole accuracy / FLOPs curve.
    public static func sweep(_ report: SuiteReport) -> CSVTable {
        var csv = CSVTable(comments: report.provenance.csvComments() + ["every sweep point of every model"],
                           columns: columns)
        for m in report.models {
            for p in m.sweep {
                csv.append(row(report, m, eta: p.eta))
            }
        }
        return csv
    }
}
