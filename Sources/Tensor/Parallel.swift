import Dispatch

/// How much of the machine the numeric code may use. Set once at start-up (the CLI's
/// `--threads`); kernels read it. `strategy` says who owns the cores during a GEMM: OpenBLAS
/// (its own thread pool, one call at a time) or this package (BLAS single-threaded, work
/// split by rows across `threads` workers).
public enum Compute {
    public enum Strategy: String, Sendable, Codable, CaseIterable {
        case blasThreads = "blas"
        case rowSplit = "rows"
    }

    nonisolated(unsafe) public private(set) static var threads: Int = 1
    nonisolated(unsafe) public private(set) static var strategy: Strategy = .rowSplit

    /// Configure threads and strategy (not thread-safe: call before any work starts).
    public static func configure(threads: Int, strategy: Strategy = .rowSplit) {
        self.threads = max(1, threads)
        self.strategy = strategy
        BLAS.threads = strategy == .blasThreads ? self.threads : 1
    }

    /// Human-readable summary stored with every run.
    public static var summary: String {
        "threads=\(threads) strategy=\(strategy.rawValue) blas=\(BLAS.configuration)"
    }
}

/// Runs `body(chunk)` for chunk in 0..<chunks on up to `Compute.threads` workers.
@inline(__always)
public func parallelFor(_ chunks: Int, _ body: (Int) -> Void) {
    if chunks <= 1 || Compute.threads <= 1 {
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
    let workers = max(1, min(Compute.threads, count / max(1, minPerChunk)))
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
