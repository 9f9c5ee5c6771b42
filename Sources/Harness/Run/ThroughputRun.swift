import Foundation
import ImageData
import RunStore
import Tensor
import ViT

/// Throughput mode for one model row: real batched early exit at each η, on images decoded
/// once and held in memory, timed after warm-up. The timer covers the model call per batch
/// (downsample, stage 1, exit test, stage 2 on the images below η), not decoding.
struct ThroughputRun: RowRun {
    let context: RunContext

    struct Point {
        var eta: Double?
        var imagesPerSecond: Double
        var stage1ExitShare: Double?
    }

    func run() throws -> (RunID, [Point]) {
        let settings = plan.suite.throughput ?? Suite.ThroughputSpec(batch: plan.options.batch, images: 256, warmup: 2, eta: nil)
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
        var points: [Point] = []
        let images = batches.reduce(0) { $0 + $1.images.shape[0] }
        for eta in etas {
            for w in 0..<settings.warmup { model.earlyExit(batches[w % batches.count].images, eta: eta, keys: batches[w % batches.count].keys) }
            var seconds = 0.0
            var exits = 0
            for b in batches {
                let t0 = DispatchTime.now().uptimeNanoseconds
                exits += model.earlyExit(b.images, eta: eta, keys: b.keys)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            }
            let covers = row.spec.stageCount == 2
                ? "forwardEarlyExit per batch: bilinear downsample, stage 1, exit test, stage 2 on images below η; decoding excluded"
                : "forward per batch: patch embed, blocks, head; decoding excluded"
            try store.recordThroughput(ThroughputMeasurement(
                eta: eta, batchSize: batchSize, threads: plan.options.compute.threads, warmupBatches: settings.warmup,
                imagesTimed: images, seconds: seconds, timerCovers: covers, measuredUTC: Date()), for: runID)
            let share = row.spec.stageCount == 2 ? Double(exits) / Double(images) : nil
            points.append(Point(eta: eta, imagesPerSecond: Double(images) / seconds, stage1ExitShare: share))
            let etaText = eta.map { String(format: "η %.2f", $0) } ?? "baseline"
            Progress.note(String(format: "%@ throughput %@: %.1f images/s", row.model.name, etaText, Double(images) / seconds)
                          + (share.map { String(format: " (%.0f%% exit at stage 1)", 100 * $0) } ?? ""))
            try plan.options.stop?.check()
        }
        return points
    }
}
