import Foundation
import ImageData
import RunStore
import Tensor
import ViT

/// Throughput mode for one model row: real batched early exit at each η, on images decoded
/// once and held in memory, timed after warm-up. The timer covers the model call per batch
/// (downsample, stage 1, exit test, stage 2 on the images below η), not decoding; each
/// point's time is the median of the suite's `passes` over the images.
struct ThroughputRun: RowRun {
    let context: RunContext

    struct Point {
        var eta: Double?
        var imagesPerSecond: Double
        var stage1ExitShare: Double?
    }

    func run() throws -> (RunID, [Point]) {
        let settings = plan.suite.throughput ?? Suite.ThroughputSpec(batch: plan.options.batch, images: 256, warmup: 2)
        let batchSize = plan.options.batch
        let count = min(settings.images, data.entries.count)
        let entries = Array(data.entries.prefix(count))
        // Decode everything first: the timed loop must not wait for images.
        var batches: [(images: Tensor, keys: [UInt64])] = []
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: row.preprocessing,
                                        options: .init(batchSize: batchSize, workers: plan.options.compute.threads))
        for b in pipeline where !b.entries.isEmpty {
            batches.append((b.images, b.entries.map { UInt64($0.entry.position) }))
            try plan.options.stop?.check()
        }
        guard !batches.isEmpty else { throw SuiteError("\(row.model.name): no decodable images for the throughput run") }
        // The matched-accuracy η (where top-1 first reaches the baseline's) are timed too, so
        // that the report can state the speed-up at matched accuracy.
        let matched = row.spec.stageCount == 2 ? try RunComparisons.matchedEtas(row.model, suite: plan.suite, store: store) : []
        let etas: [Double?] = row.spec.stageCount == 2
            ? Array(Set(row.etas + (settings.eta ?? []) + matched)).sorted().map { Optional($0) }
            : [nil]
        let hash = try context.specHash("repro-throughput-v1", ["\(batchSize)", "\(plan.options.compute.threads)"])
        let provenance = try context.provenance(mode: .throughput, specHash: hash,
                                                notes: "throughput on the first \(count) images, batch=\(batchSize)")
        let runID = try store.createRun(provenance, dataset: context.datasetID)
        do {
            let points = try measure(batches, etas: etas, settings: settings, into: runID)
            try store.finishRun(runID, status: .complete)
            return (runID, points)
        } catch {
            // Throughput runs are not resumed (a re-run times afresh), but the store still says
            // why this one has fewer points.
            throw RunEnding.record(error, run: runID, model: row.model.name, baseNotes: provenance.notes, store: store)
        }
    }

    private func measure(_ batches: [(images: Tensor, keys: [UInt64])], etas: [Double?],
                         settings: Suite.ThroughputSpec, into runID: RunID) throws -> [Point] {
        let batchSize = plan.options.batch
        let images = batches.reduce(0) { $0 + $1.images.shape[0] }
        let passes = max(1, settings.passes ?? Suite.ThroughputSpec.defaultPasses)
        // passSeconds[i]: one entry per pass for etas[i]. Passes go round all η in turn, so
        // that a slow minute of a shared machine lands on one pass of several points instead
        // of on every pass of one.
        var passSeconds = [[Double]](repeating: [], count: etas.count)
        var exits = [Int](repeating: 0, count: etas.count)
        for pass in 0..<passes {
            for (i, eta) in etas.enumerated() {
                if pass == 0 {
                    for w in 0..<settings.warmup { model.earlyExit(batches[w % batches.count].images, eta: eta, keys: batches[w % batches.count].keys) }
                }
                var seconds = 0.0
                var passExits = 0
                for b in batches {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    passExits += model.earlyExit(b.images, eta: eta, keys: b.keys)
                    seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                }
                passSeconds[i].append(seconds)
                exits[i] = passExits
                try plan.options.stop?.check()
            }
        }
        let covers = (row.spec.stageCount == 2
            ? "forwardEarlyExit per batch: bilinear downsample, stage 1, exit test, stage 2 on images below η; decoding excluded"
            : "forward per batch: patch embed, blocks, head; decoding excluded")
            + (passes > 1 ? "; median of \(passes) passes over the images, interleaved across η" : "")
        var points: [Point] = []
        for (i, eta) in etas.enumerated() {
            let seconds = ThroughputRun.median(passSeconds[i])
            try store.recordThroughput(ThroughputMeasurement(
                eta: eta, batchSize: batchSize, threads: plan.options.compute.threads, warmupBatches: settings.warmup,
                imagesTimed: images, seconds: seconds, timerCovers: covers, measuredUTC: Date()), for: runID)
            let share = row.spec.stageCount == 2 ? Double(exits[i]) / Double(images) : nil
            points.append(Point(eta: eta, imagesPerSecond: Double(images) / seconds, stage1ExitShare: share))
            let etaText = eta.map { String(format: "η %.2f", $0) } ?? "baseline"
            let spread = passes > 1
                ? String(format: " [passes %@ s]", passSeconds[i].map { String(format: "%.2f", $0) }.joined(separator: ", "))
                : ""
            Progress.note(String(format: "%@ throughput %@: %.1f images/s", row.model.name, etaText, Double(images) / seconds)
                          + (share.map { String(format: " (%.0f%% exit at stage 1)", 100 * $0) } ?? "") + spread)
        }
        return points
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        let v = values.sorted(), m = v.count / 2
        return v.count % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2
    }
}
