import Foundation
import ImageData
import RunStore
import Tensor
import ViT

/// `repro run --plan`: what a run would cost on this machine, before it starts and without
/// writing anything. Per accuracy row: the images still to evaluate (a store that already
/// holds some of them is read, not written), FLOPs, and a time measured by running the row's
/// first few batches exactly as the run would (same batch size, threads, decode workers):
/// decode, preprocess and both stages, timed end to end.
public struct CostEstimate {
    /// A short timed sample of one row: the first batch (which also pays for warm-up: weight
    /// packing, first touches of the buffers, the pipeline filling) and the batches after it.
    public struct Calibration: Equatable, Sendable {
        public var firstImages: Int
        public var firstSeconds: Double
        public var restImages: Int
        public var restSeconds: Double

        public init(firstImages: Int, firstSeconds: Double, restImages: Int, restSeconds: Double) {
            self.firstImages = firstImages
            self.firstSeconds = firstSeconds
            self.restImages = restImages
            self.restSeconds = restSeconds
        }

        /// Steady-state seconds per image (from the batches after the first, when there are).
        public var secondsPerImage: Double {
            if restImages > 0 { return restSeconds / Double(restImages) }
            return firstImages > 0 ? firstSeconds / Double(firstImages) : 0
        }

        /// Wall time for `images`: the first batch once, the rest at the steady rate (as the
        /// run pays warm-up once, not per image).
        public func seconds(for images: Int) -> Double {
            guard images > 0 else { return 0 }
            if restImages == 0 || images <= firstImages { return Double(images) * secondsPerImage }
            return firstSeconds + Double(images - firstImages) * secondsPerImage
        }
    }

    public struct Row {
        public var model: String
        /// Images the row would evaluate now (0 when the store holds a complete run).
        public var images: Int
        /// Images of this process's listing (the shard's, with --shard) already recorded.
        public var recorded: Int
        /// FLOPs of one image in accuracy mode: every stage runs on every image.
        public var flopsPerImage: Int
        public var calibration: Calibration?
        public var estimatedSeconds: Double { calibration?.seconds(for: images) ?? 0 }
    }

    public var rows: [Row]
    /// The listing this process evaluates (after --limit, --every, --shard).
    public var listed: Int
    public var shard: (index: Int, count: Int)?
    public var threads: Int
    public var batch: Int

    public var totalSeconds: Double { rows.reduce(0) { $0 + $1.estimatedSeconds } }

    /// Calibrates every accuracy row of `plan`: at least `minimumBatches` batches and
    /// `minimumSeconds` of work, at most `maximumBatches`, fewer when the data is shorter.
    public static func measure(_ plan: SuitePlan, minimumBatches: Int = 3, minimumSeconds: Double = 1.5,
                               maximumBatches: Int = 10) throws -> CostEstimate {
        if plan.options.data == nil, let synth = plan.suite.dataset.synth {
            let root = (plan.dataPath as NSString).deletingLastPathComponent
            let parameters = SynthParameters(seed: synth.seed ?? SynthParameters.defaultSeed)
            if SynthDataset.completedManifest(at: root, parameters: parameters) == nil
                && !FileManager.default.fileExists(atPath: plan.dataPath) {
                throw SuiteError("the bundled images are not in \(plan.dataPath) yet, and --plan writes nothing: "
                                 + "run the suite once, or `repro synth --out \(root) --split val`, then plan")
            }
        }
        let data = try SuiteRunner.loadData(plan)
        let models = try SuiteRunner.loadModels(plan)
        let recorded = try recordedPositions(plan, data: data, models: models)
        var rows: [Row] = []
        for row in plan.rows where !(row.model.throughputOnly ?? false) && plan.options.mode != .throughput {
            let model = models[row.model.name]!
            let done = recorded[row.model.name]
            let todo = done.map { $0.complete ? [] : AccuracyRun.todo(data.entries, done: $0.positions, batch: plan.options.batch) }
                ?? data.entries
            let sample = Array(data.entries.prefix(maximumBatches * plan.options.batch))
            let calibration = try sample.isEmpty ? nil : calibrate(model, row: row, entries: sample, options: plan.options,
                                                                   minimumBatches: minimumBatches,
                                                                   minimumSeconds: minimumSeconds)
            rows.append(Row(model: row.model.name, images: todo.count,
                            recorded: done.map { $0.complete ? data.entries.count : $0.positions.count } ?? 0,
                            flopsPerImage: model.flops.last ?? 0, calibration: calibration))
            Progress.note(String(format: "plan: %@ calibrated on %d images: %.1f images/s", row.model.name,
                                 (calibration?.firstImages ?? 0) + (calibration?.restImages ?? 0),
                                 1 / max(calibration?.secondsPerImage ?? 1, 1e-9)))
        }
        return CostEstimate(rows: rows, listed: data.entries.count, shard: plan.options.shard,
                            threads: Compute.threads, batch: plan.options.batch)
    }

    /// Times the first batches of `entries` through the run's pipeline and model.
    static func calibrate(_ model: LoadedModel, row: SuitePlan.ModelRow, entries: [DatasetEntry], options: RunOptions,
                          minimumBatches: Int, minimumSeconds: Double) throws -> Calibration {
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: row.preprocessing,
                                        options: .init(batchSize: options.batch, workers: options.decodeWorkers()))
        defer { pipeline.cancel() }
        var c = Calibration(firstImages: 0, firstSeconds: 0, restImages: 0, restSeconds: 0)
        var batches = 0
        var last = DispatchTime.now().uptimeNanoseconds
        for batch in pipeline {
            if !batch.entries.isEmpty {
                let input = BatchPadding.padded(batch.images, keys: batch.entries.map { UInt64($0.position) },
                                                to: options.batch)
                _ = model.evaluate(input.images, keys: input.keys)
            }
            let now = DispatchTime.now().uptimeNanoseconds
            let seconds = Double(now - last) / 1e9
            last = now
            let images = batch.entries.count + batch.skipped.count
            if batches == 0 {
                c.firstImages = images
                c.firstSeconds = seconds
            } else {
                c.restImages += images
                c.restSeconds += seconds
            }
            batches += 1
            try options.stop?.check()
            if batches >= minimumBatches && c.firstSeconds + c.restSeconds >= minimumSeconds { break }
        }
        return c
    }

    /// Per model row: the positions the store already holds for the run a re-run would resume
    /// (or `complete`), read from the store without writing (no lock, no migration).
    static func recordedPositions(_ plan: SuitePlan, data: SuiteDataset,
                                  models: [String: LoadedModel]) throws -> [String: (complete: Bool, positions: Set<Int>)] {
        guard FileManager.default.fileExists(atPath: plan.storePath),
              let store = try? RunStore.open(at: plan.storePath, access: .readOnly) else { return [:] }
        defer { store.close() }
        guard let dataset = try store.dataset(key: data.info.key) else { return [:] }
        var out: [String: (complete: Bool, positions: Set<Int>)] = [:]
        let shard = plan.options.shard.map { Shard(index: $0.index, count: $0.count) }
        for row in plan.rows {
            let run = AccuracyRun(context: RunContext(plan: plan, row: row, model: models[row.model.name]!, data: data,
                                                      store: store, datasetID: dataset.id, gitRevision: ""))
            let hash = try run.specHash()
            if try SuiteRunner.completeRun(store, suite: plan.suite.name, model: row.model.name, hash: hash,
                                           shard: plan.options.shard) != nil {
                out[row.model.name] = (true, [])
            } else if let previous = try store.findResumableRun(specHash: hash, modelName: row.model.name,
                                                                mode: .accuracy, shard: shard) {
                out[row.model.name] = (false, try store.recordedPositions(of: previous.id))
            }
        }
        return out
    }
}
