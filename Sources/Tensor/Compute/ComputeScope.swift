#if canImport(Glibc)
import Glibc
#endif

extension ComputeSettings {
    /// The settings of the calling thread's scope: the innermost `run` on this thread, or the
    /// one of the thread that handed it work (`parallelFor`); single-threaded outside any.
    /// Kernels deep in Tensor read this instead of taking the settings as a parameter.
    public static var current: ComputeSettings { ComputeScope.current ?? ComputeSettings() }

    /// Runs `body` with these settings as the current scope's (a model's forward runs under its
    /// own). The outer scope, if any, is back in force when `body` returns.
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        // OpenBLAS picks its kernels before its first call or thread-count change (the core
        // selection may reload them, and prints its note first).
        _ = BLAS.coreSelection
        let outer = ComputeScope.current
        BLAS.useThreads(blasThreads)
        ComputeScope.install(self)
        defer {
            ComputeScope.install(outer)
            // OpenBLAS's count is the library's, not the thread's: put the outer scope's back.
            // Outside every scope it stays as the last scope left it (no kernel should run there
            // multi-threaded anyway).
            if let outer { BLAS.useThreads(outer.blasThreads) }
        }
        return try body()
    }
}

/// The thread-local "current settings", like `Compute.inWorker`. The value is packed into the
/// key's pointer itself (threads above the strategy's tag, never zero), so that nothing has to
/// be allocated or freed per scope or per worker chunk.
enum ComputeScope {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The raw thread-local value (nil: no scope), for handing on to worker threads.
    static var token: UnsafeRawPointer? { UnsafeRawPointer(pthread_getspecific(key)) }

    static var current: ComputeSettings? { decode(token) }

    static func install(_ settings: ComputeSettings?) { install(token: encode(settings)) }

    static func install(token: UnsafeRawPointer?) { pthread_setspecific(key, token) }

    /// Runs `body` on this (worker) thread under the scope `token` came from, then restores
    /// what the thread had: GCD reuses its threads, and the caller's thread runs chunks too.
    @inline(__always)
    static func adopt<R>(_ token: UnsafeRawPointer?, _ body: () -> R) -> R {
        let previous = self.token
        install(token: token)
        defer { install(token: previous) }
        return body()
    }

    private static func encode(_ s: ComputeSettings?) -> UnsafeRawPointer? {
        guard let s else { return nil }
        let tag: Int
        switch s.strategy {
        case .blasThreads: tag = 1
        case .rowSplit: tag = 2
        case .images: tag = 3
        case .auto: tag = 4
        }
        return UnsafeRawPointer(bitPattern: s.threads << 3 | tag)
    }

    private static func decode(_ token: UnsafeRawPointer?) -> ComputeSettings? {
        guard let token else { return nil }
        let bits = Int(bitPattern: token)
        let strategy: ComputeSettings.Strategy
        switch bits & 7 {
        case 1: strategy = .blasThreads
        case 2: strategy = .rowSplit
        case 3: strategy = .images
        default: strategy = .auto
        }
        return ComputeSettings(threads: bits >> 3, strategy: strategy)
    }
}
