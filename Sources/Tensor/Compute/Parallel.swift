import CPool
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The thread-level facts the kernels consult besides the current `ComputeSettings`: whether
/// this thread is an image worker, and what the package's own loops were compiled for.
public enum Compute {
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

    /// Who runs the parallel loops' chunks: "pool" (CPool's spinning threads) or "gcd"
    /// (`REPRO_POOL=gcd`), for provenance and `repro bench`.
    public static var loopThreads: String { PoolJob.enabled ? "pool" : "gcd" }

    /// Runs `body` with the current thread marked as a worker.
    public static func asWorker<R>(_ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(workerKey)
        pthread_setspecific(workerKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(workerKey, previous) }
        return try body()
    }

    /// Threads a kernel may fan out to from the calling thread: the current scope's (1 inside a
    /// worker).
    public static var availableThreads: Int { inWorker ? 1 : ComputeSettings.current.threads }
}

/// Runs `body(chunk)` for chunk in 0..<chunks on up to `Compute.availableThreads` threads (the
/// caller's included), each under the caller's compute scope. The chunks go to the spinning pool
/// (CPool), or to GCD when the pool is serving another caller or `REPRO_POOL=gcd`.
@inline(__always)
public func parallelFor(_ chunks: Int, _ body: (Int) -> Void) {
    let threads = Compute.availableThreads
    if chunks <= 1 || threads <= 1 {
        for i in 0..<chunks { body(i) }
        return
    }
    let scope = ComputeScope.token
    withoutActuallyEscaping(body) { body in
        var job = PoolJob(body: body, scope: scope)
        let ran = PoolJob.enabled && withUnsafeMutablePointer(to: &job) { job in
            repro_pool_run(Int32(clamping: chunks), Int32(clamping: min(threads, chunks)), { ctx, i in
                let job = ctx!.assumingMemoryBound(to: PoolJob.self)
                ComputeScope.adopt(job.pointee.scope) { job.pointee.body(Int(i)) }
            }, job) != 0
        }
        if !ran {
            DispatchQueue.concurrentPerform(iterations: chunks) { i in ComputeScope.adopt(scope) { body(i) } }
        }
    }
}

/// What a pool thread needs to run one chunk: the loop body and the caller's scope.
struct PoolJob {
    let body: (Int) -> Void
    let scope: UnsafeRawPointer?

    /// `REPRO_POOL=gcd` hands every loop to GCD instead (to compare the two).
    static let enabled: Bool = {
        guard let v = getenv("REPRO_POOL") else { return true }
        return String(cString: v) != "gcd"
    }()

}

/// Splits 0..<count into `Compute.availableThreads` contiguous ranges (fewer if count is small) and
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
