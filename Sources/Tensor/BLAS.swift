import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The one file that talks to BLAS (as in ggml: the backend is a small, replaceable piece).
public enum BLAS {
    /// C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, row-major.
    @inline(__always)
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        _ = CoreSelector.selection
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Threads OpenBLAS may use for one call: process state of the library, set by
    /// `ComputeSettings.run` for the scope it enters.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's thread count to `n` unless it was the last value set: a scope is entered
    /// on every forward, and the count changes only when the strategy or threads do.
    static func useThreads(_ n: Int) {
        threadCount.update(to: max(1, n)) { openblas_set_num_threads(Int32($0)) }
    }

    private static let threadCount = LastValue()

    /// The last thread count handed to OpenBLAS, under a lock (scopes start on any thread).
    private final class LastValue {
        private var value: Int?
        private var mutex = pthread_mutex_t()

        init() { pthread_mutex_init(&mutex, nil) }

        func update(to n: Int, _ apply: (Int) -> Void) {
            pthread_mutex_lock(&mutex)
            defer { pthread_mutex_unlock(&mutex) }
            guard value != n else { return }
            apply(n)
            value = n
        }
    }

    /// OpenBLAS's own description of the build and the kernel it chose for this CPU,
    /// e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64 (core: Zen)".
    public static var configuration: String {
        _ = CoreSelector.selection
        let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "\(config) (core: \(core))"
    }
}
