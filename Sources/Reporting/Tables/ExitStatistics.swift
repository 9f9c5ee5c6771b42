import Foundation

/// CF-ViT Fig. 8 as numbers: for each η, the images each stage decided and how many of them
/// it classified correctly.
public enum ExitStatistics {
    public static let csvColumns = [
        "model", "variant", "eta", "stage", "exits", "top1_correct", "stage_top1", "exit_share", "n_images", "git_rev",
    ]

    /// One table for one two-stage model at the given η values.
    public static func table(_ m: ModelResult, etas: [Double]) -> MarkdownTable {
        var headers = ["η"]
        for s in 1...m.stages.count {
            headers += ["Stage \(s): images", "Stage \(s): correct"]
        }
        headers += ["All: correct", "Top-1 (%)", "GFLOPs"]
        var table = MarkdownTable(headers: headers, alignments: Array(repeating: .right, count: headers.count))
        for eta in etas {
            guard let p = m.point(at: eta) else {
                table.append([Cell.eta(eta)] + Array(repeating: Cell.missing, count: headers.count - 1))
                continue
            }
            var cells = [Cell.eta(eta)]
            for s in p.stages {
                cells.append("\(s.exits) (" + Fixed.string(Fixed.percent(s.exits, of: p.images), 1) + "%)")
                cells.append(s.exits == 0 ? "0" : "\(s.top1Correct) (" + Fixed.string(Fixed.percent(s.top1Correct, of: s.exits), 1) + "%)")
            }
            cells += ["\(p.top1Correct) / \(p.images)", Cell.percent(Fixed.percent(p.top1Correct, of: p.images)),
                      Cell.gflops(p.gflops)]
            table.append(cells)
        }
        return table
    }

    /// The Markdown body (one section per two-stage model, reported η values).
    public static func markdown(_ report: SuiteReport) -> String {
        var out = ""
        for m in report.models where m.isTwoStage {
            let etas = report.reportedEtas(of: m).compactMap { $0 }
            out += "## " + m.displayName + "\n\n" + table(m, etas: etas).render() + "\n"
        }
        out += "- Images: images decided at that stage (share of all images); correct: how many of those are top-1 correct (their accuracy).\n"
        out += "- Every η of the sweep is in `exits.csv`.\n"
        return out
    }

    /// Every sweep point of every two-stage model, one line per (η, stage).
    public static func csv(_ report: SuiteReport) -> CSVTable {
        var csv = CSVTable(comments: report.provenance.csvComments() + ["exit statistics per eta and stage"],
                           columns: csvColumns)
        for m in report.models where m.isTwoStage {
            for p in m.sweep {
                for (i, s) in p.stages.enumerated() {
                    csv.append([m.name, m.variant, p.eta.map { Fixed.string($0, 2) } ?? "", String(i + 1),
                                String(s.exits), String(s.top1Correct),
                                s.exits > 0 ? Fixed.string(Fixed.percent(s.top1Correct, of: s.exits), 3) : "",
                                Fixed.string(p.images > 0 ? Double(s.exits) / Double(p.images) : 0, 6),
                                String(p.images), m.gitRevision ?? report.provenance.gitRevision])
                }
            }
        }
        return csv
    }
}

/// Every throughput measurement of the suite.
public enum ThroughputTable {
    public static let csvColumns = [
        "model", "variant", "eta", "batch_size", "threads", "images_per_second", "images_timed", "warmup_batches",
        "timer_covers", "git_rev",
    ]

    public static func render(_ report: SuiteReport) -> ReportTable {
        var table = MarkdownTable(headers: ["Model", "η", "Batch", "Threads", "Images timed", "Warm-up batches",
                                            "Images/s", "Timer covers"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right, .left])
        var csv = CSVTable(comments: report.provenance.csvComments() + ["throughput measurements"], columns: csvColumns)
        for m in report.models {
            for t in m.throughput {
                table.append([m.displayName, Cell.eta(t.eta), String(t.batchSize), String(t.threads),
                              t.imagesTimed.map(String.init) ?? Cell.missing,
                              t.warmupBatches.map(String.init) ?? Cell.missing,
                              Cell.throughput(t.imagesPerSecond), t.timerCovers ?? Cell.missing])
                csv.append([m.name, m.variant, t.eta.map { Fixed.string($0, 2) } ?? "", String(t.batchSize),
                            String(t.threads), Fixed.string(t.imagesPerSecond, 2), t.imagesTimed.map(String.init) ?? "",
                            t.warmupBatches.map(String.init) ?? "", t.timerCovers ?? "",
                            m.gitRevision ?? report.provenance.gitRevision])
            }
        }
        return ReportTable(id: "throughput", title: "Throughput measurements", table: table,
                           notes: ["Measured on \(report.provenance.host) in throughput mode (real batched early exit at η)."],
                           csv: csv)
    }
}
