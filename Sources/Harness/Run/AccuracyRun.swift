import Domain
import Foundation
import ImageData
import RunStore
import Tensor
import ViT

/// Accuracy mode for one model row: both stages for every image, one store transaction per
/// batch, resumable. The η sweep is computed from the stored outputs at the end.
struct AccuracyRun: RowRun {
    let context: RunContext

    func specHash() throws -> String { try context.specHash("repro-accuracy-v1") }

    /// Returns the run id (complete).
    func run() throws -> RunID {
        let hash = try specHash()
        let shard = plan.options.shard.map { Shard(index: $0.index, count: $0.count) }
        let workers = plan.options.decodeWorkers()
        let notes = "batch=\(plan.options.batch) decode_workers=\(workers)"
        let provenance = try context.provenance(mode: .accuracy, specHash: hash, shard: shard, notes: notes)
        let runID: RunID
        var done = Set<Int>()
        if let previous = try store.findResumableRun(specHash: hash, modelName: row.model.name, mode: .accuracy, shard: shard) {
            runID = previous.id
            done = try store.recordedPositions(of: runID)
            let compute = plan.options.compute
            try store.resumeRun(runID, session: SessionInfo(host: Provenance.hostName, threads: compute.threads,
                                                            gitRevision: context.gitRevision, blasConfig: compute.summary),
                                notes: notes)
            Progress.note("\(row.model.name): resuming \(runID) (\(done.count) images already recorded)")
        } else {
            runID = try store.createRun(provenance, dataset: context.datasetID)
        }
        let todo = Self.todo(data.entries, done: done, batch: plan.options.batch)
        let progress = Progress(label: row.model.name, total: todo.count)
        var split = TimeSplit()
        do {
            if !todo.isEmpty { split = try evaluate(todo, workers: workers, into: runID, progress: progress) }
            progress.stop()
            try store.finishRun(runID, status: .complete, notes: notes)
            _ = try store.computeSweep(for: runID, etas: Sweep.defaultEtas + row.etas)
            let curves = CheckpointCurves.parse(model.checkpointExtras)
            if !curves.isEmpty { try store.recordCheckpointCurves(curves, for: runID) }
        } catch {
            progress.finish()
            throw RunEnding.record(error, run: runID, model: row.model.name, baseNotes: notes, store: store,
                             recorded: { try store.recordedPositions(of: runID).count }, total: data.entries.count)
        }
        // End to end: decode, preprocess, both stages, store writes (the sweep excluded).
        progress.finish(todo.isEmpty ? "" : String(format: "%d images in %.2f s, %.1f images/s end to end (%@)",
                                                   progress.done, progress.elapsedSeconds,
                                                   Double(progress.done) / max(progress.elapsedSeconds, 1e-9),
                                                   split.description))
        return runID
    }

    /// The entries a run still has to evaluate, given the positions already recorded.
    /// Resume is batch-aligned: it keeps every batch an uninterrupted run would form (each
    /// batch is one transaction, so a batch is either wholly recorded or not at all). The same
    /// batches give the same GEMM shapes, hence bit-identical outputs.
    static func todo(_ entries: [DatasetEntry], done: Set<Int>, batch size: Int) -> [DatasetEntry] {
        stride(from: 0, to: entries.count, by: size).flatMap { start -> [DatasetEntry] in
            let chunk = entries[start..<min(start + size, entries.count)]
            return chunk.allSatisfy { done.contains($0.position) } ? [] : Array(chunk)
        }
    }

    private func evaluate(_ todo: [DatasetEntry], workers: Int, into runID: RunID, progress: Progress) throws -> TimeSplit {
        let pipeline = PrefetchPipeline(entries: todo, preprocessing: row.preprocessing,
                                        options: .init(batchSize: plan.options.batch, workers: workers,
                                                       compute: plan.options.compute))
        defer { pipeline.cancel() }
        var skips = SkipSummary()
        var clock = TimeSplit.Clock()
        for batch in pipeline {
            clock.lap(\.waiting)
            var results: [ImageResult] = batch.skipped.map { s in
                skips.add(s.reason)
                return ImageResult(image: ImageRecord(position: s.position, relativePath: s.path, classIndex: nil,
                                                      labelSource: data.labelSource, width: nil, height: nil,
                                                      fileSize: s.fileSize.map(Int64.init),
                                                      skipReason: "\(s.reason.rawValue): \(s.message)"),
                                   stages: [])
            }
            if !batch.entries.isEmpty {
                let input = BatchPadding.padded(batch.images, keys: batch.entries.map { UInt64($0.entry.position) },
                                                to: plan.options.batch)
                let outputs = model.evaluate(input.images, keys: input.keys).prefix(batch.entries.count)
                clock.lap(\.model)
                for (decoded, out) in zip(batch.entries, outputs) {
                    let entry = decoded.entry
                    let stages = (0..<out.topClasses.count).map { s in
                        StageOutput(stage: s + 1, topClasses: out.topClasses[s], topProbabilities: out.topProbabilities[s],
                                    cumulativeFLOPs: Int64(model.flops[s]))
                    }
                    results.append(ImageResult(
                        image: ImageRecord(position: entry.position, relativePath: entry.relativePath.description,
                                           classIndex: entry.label >= 0 ? entry.label : nil,
                                           labelSource: data.labelSource, width: decoded.width, height: decoded.height,
                                           fileSize: Int64(decoded.fileSize)),
                        stages: stages, selection: out.selection))
                }
            }
            results.sort { $0.image.position < $1.image.position }
            try store.write(results, to: runID)
            progress.advance(by: results.count)
            clock.lap(\.store)
            // Between batches, with everything so far committed: the one place a stop is taken.
            try plan.options.stop?.check()
        }
        if skips.total > 0 { Progress.note("\(row.model.name): \(skips)") }
        return clock.split
    }
}
