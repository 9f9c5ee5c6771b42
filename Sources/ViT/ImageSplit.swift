import Tensor

/// Image-level parallelism: a batch is cut into micro-batches that the worker threads take in
/// turn, each running the whole network on its own engine (buffers) with single-threaded
/// kernels. Small micro-batches keep activations in cache (a 4-image DeiT-S block's MLP buffer
/// is 4.8 MB; 32 images' would be 39 MB) and balance uneven work such as early exit.
enum ImageSplit {
    /// Images per micro-batch, at most. Each micro-batch repacks the weight panels in sgemm,
    /// so larger ones pack less per image but spill more activations out of cache. Measured for
    /// DeiT-S, batch 32 on 2 threads, AVX2 build (median images/s): 2: 18.30 (5 runs), 4: 18.60
    /// (5 runs), 8: 18.30 (3 runs); the bundled models were level between 2 and 4. (Before the
    /// AVX2 build, on one core: 1: 7.9, 2: 8.5, 4: 8.1, 8: 7.6.)
    static let microBatch = 4

    /// The micro-batch size for `batch` images on `workers` threads: `microBatch`, but small
    /// enough that every worker gets a micro-batch (a batch of 4 on 2 threads: 2 + 2).
    static func size(batch: Int, workers: Int) -> Int {
        max(1, min(microBatch, batch / max(1, workers)))
    }

    /// Runs `body(worker, range)` for every micro-batch of 0..<batch; results in batch order.
    static func run<T>(batch: Int, workers: Int, _ body: (Int, Range<Int>) -> T) -> [T] {
        let size = size(batch: batch, workers: workers)
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
