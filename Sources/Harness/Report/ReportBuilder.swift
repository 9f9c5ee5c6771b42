import Foundation
import ImageData
import Reporting
import RunStore
import ViT

/// Reads a suite's latest complete runs from the store and fills Reporting's input types.
/// Nothing here reads the clock: the report date is the newest run's finish time, so that
/// regenerating from the same store gives identical bytes.
public struct ReportBuilder {
    public let suite: Suite
    public let store: RunStore
    public let storePath: String

    public init(suite: Suite, store: RunStore, storePath: String) {
        self.suite = suite
        self.store = store
        self.storePath = storePath
    }

    /// The latest complete run of `model` in `mode`, if any.
    func latestRun(_ model: String, mode: RunMode) throws -> RunRecord? {
        try store.runs(suite: suite.name)
            .filter { $0.provenance.modelName == model && $0.provenance.mode == mode && $0.status == .complete }
            .max { ($0.finishedUTC ?? $0.startedUTC, $0.id) < ($1.finishedUTC ?? $1.startedUTC, $1.id) }
    }

    public func build() throws -> (report: SuiteReport, runs: [String: RunRecord]) {
        var models: [ModelResult] = []
        var runs: [String: RunRecord] = [:]
        var throughputRuns: [RunRecord] = []
        for m in suite.models {
            guard let run = try latestRun(m.name, mode: .accuracy) else { continue }
            runs[m.name] = run
            let tput = try latestRun(m.name, mode: .throughput)
            if let tput { throughputRuns.append(tput) }
            models.append(try modelResult(m, run: run, throughputRun: tput))
        }
        guard !models.isEmpty else {
            throw SuiteError("the store \(storePath) has no complete run of suite '\(suite.name)': run `repro --suite \(suite.name)` first")
        }
        let all = Array(runs.values) + throughputRuns
        let newest = all.max { ($0.finishedUTC ?? $0.startedUTC) < ($1.finishedUTC ?? $1.startedUTC) }!
        let images = Set(runs.values.map { $0.dataset.imageCount }).max() ?? 0
        let provenance = ReportProvenance(
            suite: suite.name, storePath: (storePath as NSString).lastPathComponent,
            gitRevision: newest.provenance.gitRevision, date: newest.finishedUTC ?? newest.startedUTC,
            host: newest.provenance.host, threads: newest.provenance.threads, blas: newest.provenance.blasConfig,
            datasetPath: Provenance.displayPath(newest.provenance.datasetPath), datasetImages: images,
            weights: suite.models.compactMap { m in runs[m.name].map { WeightsChecksum(model: m.name, sha256: $0.provenance.weightsSHA256) } },
            notes: Set(all.map(\.provenance.gitRevision)).count > 1
                ? ["runs come from several revisions: " + Set(all.map(\.provenance.gitRevision)).sorted().joined(separator: ", ")] : [])
        let setting = suite.throughput.map { _ in
            throughputRuns.first.flatMap { r in (try? store.throughput(of: r.id))?.first }
                .map { ThroughputSetting(batchSize: $0.batchSize, threads: $0.threads) }
        } ?? nil
        for pair in RunComparisons.pairs(suite) {
            guard let run = runs[pair.model.name], let ref = runs[pair.reference],
                  let k = models.firstIndex(where: { $0.name == pair.model.name }) else { continue }
            let stats = try RunComparisons.stats(pair, run: run, ref: ref, suite: suite, store: store)
            guard !stats.isEmpty else { continue }
            models[k].paired.append(PairedComparison(reference: pair.reference, relation: pair.relation.rawValue, points: stats))
        }
        // The bundled suites evaluate the generated set: say so wherever a claim is judged.
        let synthetic = suite.dataset.synth != nil
            && runs.values.allSatisfy { $0.provenance.datasetPath.hasSuffix(suite.dataset.path) }
        let report = SuiteReport(provenance: provenance, title: suite.description, etas: suite.eta, models: models,
                                 paper: suite.paper ?? [], table1: suite.table1, tables: suite.tables ?? [],
                                 throughputSetting: setting, paperLabel: suite.paperLabel ?? "paper (ImageNet)",
                                 claims: suite.claims ?? [], syntheticData: synthetic)
        return (report, runs)
    }

    func modelResult(_ m: SuiteModel, run: RunRecord, throughputRun: RunRecord?) throws -> ModelResult {
        let spec = try JSONDecoder().decode(ModelSpec.self, from: Data(run.provenance.modelSpecJSON.utf8))
        let pre = try JSONDecoder().decode(Preprocessing.self, from: Data(run.provenance.preprocessingJSON.utf8))
        let input = try store.sweepInput(of: run.id)
        let s = input.stageCount
        let grids: [Int?] = s == 2 ? [spec.backbone.gridSize / 2, spec.backbone.gridSize] : [spec.backbone.gridSize]
        let stages = (0..<s).map { k -> StageSummary in
            var t1 = 0, t5 = 0
            for i in 0..<input.imageCount {
                if input.top1Correct[i * s + k] { t1 += 1 }
                if input.top5Correct[i * s + k] { t5 += 1 }
            }
            return StageSummary(gridSide: grids[k], images: input.imageCount, top1Correct: t1, top5Correct: t5,
                                cumulativeFLOPs: run.provenance.stageFLOPs[k])
        }
        var points = try store.sweepPoints(of: run.id)
        if s == 1 { points = Array(points.prefix(1)) }
        let sweep = points.map { p in
            SweepPointResult(eta: s == 1 ? nil : p.eta, images: p.imageCount, top1Correct: p.top1Correct,
                             top5Correct: p.top5Correct, gflops: p.expectedGFLOPs,
                             stages: p.stages.map { StageExitCount(exits: $0.exits, top1Correct: $0.top1Correct) })
        }
        let throughput = try throughputRun.map { try store.throughput(of: $0.id) }?.map {
            ThroughputResult(eta: $0.eta, batchSize: $0.batchSize, threads: $0.threads, imagesPerSecond: $0.imagesPerSecond,
                             imagesTimed: $0.imagesTimed, warmupBatches: $0.warmupBatches, timerCovers: $0.timerCovers)
        } ?? []
        let params = KeyMap.layout(for: spec).reduce(0) { $0 + $1.shape.reduce(1, *) }
        let stored = try store.checkpointCurves(of: run.id)
        let curves = [CheckpointCurvePoint.Curve.budgeted, .anytime].compactMap { kind -> CheckpointCurve? in
            let points = stored.filter { $0.curve == kind }
            return points.isEmpty ? nil : CheckpointCurve(name: kind.rawValue, points: points.map {
                CheckpointCurvePointResult(eta: $0.eta, gflops: $0.gflops, top1: 100 * $0.top1)
            })
        }
        return ModelResult(name: m.name, label: m.label, variant: m.from == nil ? "" : (m.from ?? ""), baseline: m.baseline,
                           stages: stages, sweep: sweep, throughput: throughput, reportEtas: m.eta ?? suite.eta,
                           paramCount: params, imageSize: pre.imageSize, cropPct: pre.cropPct,
                           interpolation: pre.interpolation.rawValue, weightsSHA256: run.provenance.weightsSHA256,
                           gitRevision: run.provenance.gitRevision, checkpointCurves: curves)
    }
}
