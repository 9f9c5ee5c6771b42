import Dispatch

/// Decode + preprocess throughput, for `repro bench --pipeline`. Not a test: numbers depend on
/// the machine and on what else runs on it.
public enum PipelineBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var images: Int
        public var skipped: Int
        public var seconds: Double
        public var workers: Int
        public var batchSize: Int
        public var preprocessing: Preprocessing
        /// Time the (idle) consumer waited for batches: equals `seconds` minus packing overlap
        /// here, since the consumer does no work.
        public var consumerWaitSeconds: Double

        public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }

        public var description: String {
            let rate = (imagesPerSecond * 10).rounded() / 10
            return "\(images) images in \(String(format: "%.3f", seconds)) s = \(rate) images/s "
                + "(decode+preprocess, \(workers) worker\(workers == 1 ? "" : "s"), batch \(batchSize), "
                + "\(preprocessing.imageSize)px crop_pct \(preprocessing.cropPct) \(preprocessing.interpolation.rawValue)"
                + (skipped > 0 ? ", \(skipped) skipped" : "") + ")"
        }
    }

    /// Runs every image of `folder` (recursively; labels are not needed) through the prefetch
    /// pipeline with `workers` threads and an idle consumer, and times it from start to the
    /// last batch. `passes` > 1 repeats the listing (small folders); `warmup` first runs a few
    /// images untimed (thread start-up, page cache, TurboJPEG tables).
    public static func run(folder: String, preprocessing: Preprocessing = .deit224, workers: Int,
                           batchSize: Int = 32, limit: Int? = nil, passes: Int = 1,
                           warmup: Bool = true) throws -> Result {
        let dataset = try Dataset.unlabeled(root: RawPath(folder))
        var entries = dataset.subset(limit: limit)
        if passes > 1 {
            let base = entries
            for p in 1..<passes {
                entries += base.map { DatasetEntry(position: p * base.count + $0.position, path: $0.path,
                                                   relativePath: $0.relativePath, label: $0.label, className: $0.className) }
            }
        }
        if warmup { _ = run(entries: Array(entries.prefix(min(entries.count, 2 * workers))), preprocessing: preprocessing, workers: workers, batchSize: batchSize) }
        return run(entries: entries, preprocessing: preprocessing, workers: workers, batchSize: batchSize)
    }

    public static func run(entries: [DatasetEntry], preprocessing: Preprocessing, workers: Int,
                           batchSize: Int = 32) -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: preprocessing,
                                        options: .init(batchSize: batchSize, workers: workers, prefetch: 2))
        var images = 0, skipped = 0
        while let batch = pipeline.next() {
            images += batch.entries.count
            skipped += batch.skipped.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(images: images, skipped: skipped, seconds: seconds, workers: workers, batchSize: batchSize,
                      preprocessing: preprocessing, consumerWaitSeconds: pipeline.consumerWaitSeconds)
    }

    /// Where single-threaded time goes, per image, in seconds: reading the file, decoding,
    /// resize + crop, ToTensor + Normalize.
    public struct StageTimes: Sendable, CustomStringConvertible {
        public var images = 0
        public var read = 0.0, decode = 0.0, resizeCrop = 0.0, normalize = 0.0
        public var total: Double { read + decode + resizeCrop + normalize }

        public var description: String {
            func ms(_ s: Double) -> String { String(format: "%.2f ms", 1000 * s / Double(max(images, 1))) }
            return "per image (1 thread, \(images) images): read \(ms(read)), decode \(ms(decode)), "
                + "resize+crop \(ms(resizeCrop)), normalize \(ms(normalize)); total \(ms(total)) = "
                + String(format: "%.1f", Double(images) / max(total, 1e-12)) + " images/s"
        }
    }

    public static func profile(entries: [DatasetEntry], preprocessing: Preprocessing) -> StageTimes {
        let decoder = ImageDecoder()
        let transform = EvalTransform(preprocessing)
        var t = StageTimes()
        let s = preprocessing.imageSize
        var out = [Float](repeating: 0, count: 3 * s * s)
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        for e in entries {
            let t0 = now()
            guard let bytes = try? FileReader.read(e.path) else { continue }
            let t1 = now()
            guard let image = try? decoder.decode(bytes) else { continue }
            let t2 = now()
            let crop = transform.crop(image)
            let t3 = now()
            out.withUnsafeMutableBufferPointer { transform.normalize(crop, into: $0.baseAddress!) }
            let t4 = now()
            t.images += 1
            t.read += Double(t1 - t0) / 1e9
            t.decode += Double(t2 - t1) / 1e9
            t.resizeCrop += Double(t3 - t2) / 1e9
            t.normalize += Double(t4 - t3) / 1e9
        }
        return t
    }
}
