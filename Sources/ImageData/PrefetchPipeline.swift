import Foundation
import Tensor

/// Decodes and preprocesses images into batches, in one of two modes.
///
/// Inline (`workers == 0`): `next()` decodes the batch it returns, there and then, with the
/// compute threads of `Options.compute` (`parallelFor`). Nothing runs beside the model, so on a machine whose cores
/// the model already fills, decoding costs exactly its own CPU time: background workers would
/// preempt the model's threads instead, and a preempted thread stalls its peers at the end of
/// each parallel section (measured on 2 cores with the bundled models: the model alone ran
/// 12–20% slower beside one decode worker; inline it runs at its model-only speed and the
/// batch waits only for its own decoding). Files are read synchronously, so a cold, slow disk
/// shows up as decode time.
///
/// Background (`workers > 0`): workers claim images one at a time in listing order, but never beyond the `prefetch`
/// batches after the one the consumer is waiting for (the bounded queue: memory stays at
/// about `prefetch` batches, and a slow consumer stops the workers — backpressure). Each image
/// is written straight into its slot of its batch; the worker that completes a batch packs it.
/// `next()` returns batches strictly in order. Bad images become `SkippedImage`s of their batch.
/// `cancel()` (also run when the pipeline is released) stops the workers and waits for them.
public final class PrefetchPipeline: Sequence, IteratorProtocol {
    public struct Options: Sendable {
        public var batchSize: Int
        /// Background decode threads; 0 decodes inline, on the compute threads (see above).
        public var workers: Int
        /// Batches prepared ahead of the consumer (queue depth), at least 1.
        public var prefetch: Int
        public var limits: DecodeLimits
        /// The compute threads inline decoding fans out to (the model's settings, so that it
        /// uses exactly the cores the model does).
        public var compute: ComputeSettings

        public init(batchSize: Int = 32, workers: Int = 2, prefetch: Int = 2, limits: DecodeLimits = .default,
                    compute: ComputeSettings = ComputeSettings()) {
            self.batchSize = Swift.max(1, batchSize)
            self.workers = Swift.max(0, workers)
            self.prefetch = Swift.max(1, prefetch)
            self.limits = limits
            self.compute = compute
        }
    }

    private let engine: PrefetchEngine

    public var entries: [DatasetEntry] { engine.entries }
    public var preprocessing: Preprocessing { engine.preprocessing }
    public var options: Options { engine.options }
    public var batchCount: Int { engine.batchCount }
    /// Seconds `next()` spent waiting for a batch that was not ready yet.
    public var consumerWaitSeconds: Double { engine.waitSeconds() }

    /// Images claimed by workers so far (for tests of the prefetch window).
    var claimedImages: Int { engine.claimed() }

    public init(entries: [DatasetEntry], preprocessing: Preprocessing, options: Options = Options()) {
        engine = PrefetchEngine(entries: entries, preprocessing: preprocessing, options: options)
        engine.start()
    }

    deinit { engine.cancel() }

    /// The next batch in order; blocks while it is being prepared. nil after the last batch
    /// or after `cancel()`.
    public func next() -> Batch? { engine.next() }

    /// Stops the workers (images in progress finish first) and waits until they have exited.
    public func cancel() { engine.cancel() }
}

/// The shared state of a pipeline; the worker threads hold this, not the pipeline, so that
/// releasing the pipeline cancels them.
private final class PrefetchEngine {
    typealias Options = PrefetchPipeline.Options

    let entries: [DatasetEntry]
    let preprocessing: Preprocessing
    let options: Options
    let batchCount: Int

    /// One batch under construction. Workers write disjoint image slots of `buffer` without
    /// the lock; bookkeeping happens under it.
    private final class Slot {
        let buffer: UnsafeMutablePointer<Float>
        let capacity: Int
        var outcomes: [ImageOutcome?]
        var remaining: Int
        var packed: Batch?

        init(images: Int, floatsPerImage: Int) {
            capacity = images * floatsPerImage
            buffer = .allocate(capacity: capacity)
            outcomes = Array(repeating: nil, count: images)
            remaining = images
        }

        deinit { buffer.deallocate() }
    }

    private let condition = NSCondition()
    private var nextImage = 0
    private var consumerBatch = 0
    private var slots: [Int: Slot] = [:]
    private var cancelled = false
    private var runningWorkers = 0
    private var consumerWaitSeconds = 0.0
    /// Inline mode: one decoder per compute thread (TurboJPEG handles are per thread), kept
    /// across batches, and one transform (immutable, shared).
    private var inlineDecoders: [ImageDecoder] = []
    private lazy var inlineTransform = EvalTransform(preprocessing)

    init(entries: [DatasetEntry], preprocessing: Preprocessing, options: Options) {
        self.entries = entries
        self.preprocessing = preprocessing
        self.options = options
        self.batchCount = (entries.count + options.batchSize - 1) / options.batchSize
    }

    func start() {
        if options.workers == 0 { return }
        let workers = min(options.workers, max(1, entries.count))
        condition.lock()
        runningWorkers = workers
        condition.unlock()
        for w in 0..<workers {
            let thread = Thread { [self] in self.workerLoop() }
            thread.name = "repro.prefetch.\(w)"
            thread.start()
        }
    }

    func claimed() -> Int {
        condition.lock()
        defer { condition.unlock() }
        return nextImage
    }

    func waitSeconds() -> Double {
        condition.lock()
        defer { condition.unlock() }
        return consumerWaitSeconds
    }

    func next() -> Batch? {
        if options.workers == 0 { return nextInline() }
        condition.lock()
        defer { condition.unlock() }
        guard consumerBatch < batchCount else { return nil }
        var waited: UInt64 = 0
        while !cancelled && slots[consumerBatch]?.packed == nil {
            let start = DispatchTime.now().uptimeNanoseconds
            condition.wait()
            waited += DispatchTime.now().uptimeNanoseconds - start
        }
        consumerWaitSeconds += Double(waited) / 1e9
        guard !cancelled, let batch = slots.removeValue(forKey: consumerBatch)?.packed else { return nil }
        consumerBatch += 1
        condition.broadcast()  // the window moved: workers may start the next batch
        return batch
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while runningWorkers > 0 { condition.wait() }
        slots.removeAll()
        condition.unlock()
    }

    private var floatsPerImage: Int { 3 * preprocessing.imageSize * preprocessing.imageSize }

    private func imagesInBatch(_ b: Int) -> Int {
        min(options.batchSize, entries.count - b * options.batchSize)
    }

    private func workerLoop() {
        let decoder = ImageDecoder(limits: options.limits)
        let transform = EvalTransform(preprocessing)
        let perImage = floatsPerImage
        while true {
            // Claim the next image, waiting while it lies beyond the prefetch window.
            condition.lock()
            while !cancelled && nextImage < entries.count
                    && nextImage / options.batchSize >= consumerBatch + options.prefetch {
                condition.wait()
            }
            if cancelled || nextImage >= entries.count {
                runningWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let i = nextImage
            nextImage += 1
            let b = i / options.batchSize
            let slot: Slot
            if let existing = slots[b] {
                slot = existing
            } else {
                slot = Slot(images: imagesInBatch(b), floatsPerImage: perImage)
                slots[b] = slot
            }
            condition.unlock()

            let k = i - b * options.batchSize
            let outcome = decode(entries[i], decoder, transform, into: slot.buffer + k * perImage)

            condition.lock()
            slot.outcomes[k] = outcome
            slot.remaining -= 1
            let complete = slot.remaining == 0
            condition.unlock()
            if complete {
                // Only this worker touches a completed slot until it is published.
                let batch = pack(slot, index: b)
                condition.lock()
                slot.packed = batch
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Inline mode: decodes batch `consumerBatch` now, on the calling thread and the compute
    /// threads, straight into the batch tensor.
    private func nextInline() -> Batch? {
        guard consumerBatch < batchCount, !cancelled else { return nil }
        let b = consumerBatch
        consumerBatch += 1
        return options.compute.run { decodeInline(batch: b) }
    }

    /// Batch `b`, decoded on the calling thread and the current scope's compute threads.
    private func decodeInline(batch b: Int) -> Batch {
        let count = imagesInBatch(b), perImage = floatsPerImage, first = b * options.batchSize
        let workers = min(count, Compute.availableThreads)
        while inlineDecoders.count < workers { inlineDecoders.append(ImageDecoder(limits: options.limits)) }
        let decoders = inlineDecoders, transform = inlineTransform  // read once, before the threads
        let queue = WorkQueue(count: count)
        var outcomes = [ImageOutcome?](repeating: nil, count: count)
        // images: [count, 3, S, S]; every slot is written (an image that fails leaves its slot
        // zeroed; it is compacted away below).
        var scalars = [Float](unsafeUninitializedCapacity: count * perImage) { buffer, initialized in
            outcomes.withUnsafeMutableBufferPointer { outcomes in
                parallelFor(workers) { w in
                    while let k = queue.take() {
                        let slot = buffer.baseAddress! + k * perImage
                        let outcome = decode(entries[first + k], decoders[w], transform, into: slot)
                        if case .failed = outcome { slot.initialize(repeating: 0, count: perImage) }
                        outcomes[k] = outcome
                    }
                }
            }
            initialized = count * perImage
        }
        let (kept, skipped) = sortOut(outcomes, batch: b)
        scalars.withUnsafeMutableBufferPointer { s in
            for (j, k) in kept.map(\.slot).enumerated() where j < k {
                (s.baseAddress! + j * perImage).update(from: s.baseAddress! + k * perImage, count: perImage)
            }
        }
        scalars.removeLast((count - kept.count) * perImage)
        return makeBatch(b, kept: kept.map(\.entry), scalars: scalars, skipped: skipped)
    }

    /// A batch's images by outcome, in order: the decoded ones with their slot, the skipped
    /// ones with their reason. Every slot has its outcome by now.
    private func sortOut(_ outcomes: [ImageOutcome?], batch b: Int)
        -> (kept: [(slot: Int, entry: BatchEntry)], skipped: [SkippedImage]) {
        let base = b * options.batchSize
        var kept: [(slot: Int, entry: BatchEntry)] = [], skipped: [SkippedImage] = []
        for (k, outcome) in outcomes.enumerated() {
            switch outcome! {
            case let .decoded(width, height, fileSize):
                kept.append((k, BatchEntry(entry: entries[base + k], width: width, height: height, fileSize: fileSize)))
            case let .failed(error, fileSize):
                skipped.append(SkippedImage(entry: entries[base + k], error: error, fileSize: fileSize))
            }
        }
        return (kept, skipped)
    }

    /// scalars: [kept.count, 3, S, S].
    private func makeBatch(_ b: Int, kept: [BatchEntry], scalars: [Float], skipped: [SkippedImage]) -> Batch {
        let s = preprocessing.imageSize
        return Batch(index: b, entries: kept, images: Tensor(shape: [kept.count, 3, s, s], scalars: scalars),
                     skipped: skipped)
    }

    /// Reads, decodes and preprocesses one image into out: [3, S, S].
    private func decode(_ entry: DatasetEntry, _ decoder: ImageDecoder, _ transform: EvalTransform,
                        into out: UnsafeMutablePointer<Float>) -> ImageOutcome {
        switch ImageRead(entry.path, decoder: decoder) {
        case let .decoded(image, fileSize):
            transform.normalize(transform.crop(image), into: out)
            return .decoded(width: image.width, height: image.height, fileSize: fileSize)
        case let .failed(error, fileSize):
            return .failed(error, fileSize: fileSize)
        }
    }

    /// Copies the good images of a completed slot into a tensor, in order.
    private func pack(_ slot: Slot, index b: Int) -> Batch {
        let perImage = floatsPerImage
        let (kept, skipped) = sortOut(slot.outcomes, batch: b)
        var scalars = [Float](repeating: 0, count: kept.count * perImage)
        scalars.withUnsafeMutableBufferPointer { dst in
            for (j, k) in kept.map(\.slot).enumerated() {
                (dst.baseAddress! + j * perImage).update(from: slot.buffer + k * perImage, count: perImage)
            }
        }
        return makeBatch(b, kept: kept.map(\.entry), scalars: scalars, skipped: skipped)
    }
}

/// How one image of a batch came out of `ImageRead`, its pixels already in the batch buffer.
private enum ImageOutcome {
    case decoded(width: Int, height: Int, fileSize: Int)
    case failed(ImageError, fileSize: Int?)
}
