import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How much of the machine the numeric code may use. Set once at start-up (the CLI's
/// `--threads`); kernels and models read it.
public enum Compute {
    /// Who owns the cores.
    public enum Strategy: String, Sendable, Codable, CaseIterable {
        /// OpenBLAS's own threads inside each GEMM; this package's loops split by rows.
        case blasThreads = "blas"
        /// Intra-op: every GEMM split by rows or output columns across `threads` workers, each
        /// calling single-threaded BLAS; attention split by (image, head).
        case rowSplit = "rows"
        /// Inter-op: the model splits a batch into micro-batches that workers take in turn, each
        /// running the whole network single-threaded on its own buffers (one image stream per core).
        case images
        /// `images` when a batch has at least two images per thread, `rows` otherwise.
        case auto
    }

    nonisolated(unsafe) public private(set) static var threads: Int = 1
    nonisolated(unsafe) public private(set) static var strategy: Strategy = .auto

    /// Configure threads and strategy (not thread-safe: call before any work starts).
    public static func configure(threads: Int, strategy: Strategy = .auto) {
        // The BLAS kernels are chosen before anything else runs (and its note printed first).
        _ = BLAS.coreSelection
        self.threads = max(1, threads)
        self.strategy = strategy
        BLAS.threads = strategy == .blasThreads ? self.threads : 1
    }

    /// Whether a batch of `batch` images should be split across workers image-wise.
    public static func splitsImages(batch: Int) -> Bool {
        guard threads > 1, !inWorker else { return false }
        switch strategy {
        case .images: return batch >= 2
        case .auto: return batch >= 2 * threads
        case .rowSplit, .blasThreads: return false
        }
    }

    /// Human-readable summary stored with every run.
    public static var summary: String {
        "threads=\(threads) strategy=\(strategy.rawValue) simd=\(codeGeneration) gemm=\(LinearWeight.kernel) blas=\(BLAS.configuration) blas_core=\(BLAS.coreSelection.summary)"
    }

    /// The instruction set this package's own loops were compiled for (see Package.swift).
    public static var codeGeneration: String {
        #if REPRO_AVX512
        return "avx512"
        #elseif REPRO_AVX2
        return "avx2+fma"
        #else
        return "generic"
        #endif
    }

    // A thread-local mark for "this thread is one of the image workers": kernels called from
    // it run serially instead of fanning out again (no nested parallelism).
    private static let workerKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    public static var inWorker: Bool { pthread_getspecific(workerKey) != nil }

    /// Runs `body` with the current thread marked as a worker.
    public static func asWorker<R>(_ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(workerKey)
        pthread_setspecific(workerKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(workerKey, previous) }
        return try body()
    }

    /// Threads a kernel may fan out to from the calling thread (1 inside a worker).
    public static var availableThreads: Int { inWorker ? 1 : threads }
}

/// Runs `body(chunk)` for chunk in 0..<chunks on up to `Compute.threads` workers.
@inline(__always)
public func parallelFor(_ chunks: Int, _ body: (Int) -> Void) {
    if chunks <= 1 || Compute.availableThreads <= 1 {
        for i in 0..<chunks { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: chunks) { body($0) }
    }
}

/// Splits 0..<count into `Compute.threads` contiguous ranges (fewer if count is small) and
/// runs them in parallel. `minPerChunk` keeps tiny loops on one thread.
@inline(__always)
public func parallelRanges(_ count: Int, minPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = max(1, min(Compute.availableThreads, count / max(1, minPerChunk)))
    if workers == 1 {
        body(0..<count)
        return
    }
    parallelFor(workers) { w in
        let lo = count * w / workers
        let hi = count * (w + 1) / workers
        if lo < hi { body(lo..<hi) }
    }
}

/// Hands out 0..<count in order to whichever worker asks next (dynamic load balancing for
/// micro-batches whose cost varies, e.g. early exit).
public final class WorkQueue {
    private var next = 0
    private let count: Int
    private var mutex = pthread_mutex_t()

    public init(count: Int) {
        self.count = count
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    public func take() -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
