import Tensor

/// Image-level parallelism: a batch is cut into micro-batches that the worker threads take in
/// turn, each running the whole network on its own engine (buffers) with single-threaded
/// kernels. Small micro-batches keep every activation in cache (a 2-image DeiT-S block's MLP
/// buffer is 2.4 MB; 32 images' would be 39 MB) and balance uneven work such as early exit.
enum ImageSplit {
    /// Images per micro-batch: measured best for DeiT-S on one core (1: 7.9, 2: 8.5, 4: 8.1,
    /// 8: 7.6 images/s).
    static let microBatch = 2

    /// Runs `body(worker, range)` for every micro-batch of 0..<batch; results in batch order.
    static func run<T>(batch: Int, workers: Int, _ body: (Int, Range<Int>) -> T) -> [T] {
        let size = microBatch
        let chunks = (batch + size - 1) / size
        let queue = WorkQueue(count: chunks)
        var parts = [T?](repeating: nil, count: chunks)
        parts.withUnsafeMutableBufferPointer { parts in
            parallelFor(workers) { w in
                Compute.asWorker {
                    while let c = queue.take() {
                        parts[c] = body(w, (c * size)..<min(batch, (c + 1) * size))
                    }
                }
            }
        }
        return parts.map { $0! }
    }
}
