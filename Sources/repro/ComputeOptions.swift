import ArgumentParser
import Tensor

/// Thread options shared by every command that runs a model.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the numeric kernels (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Who owns the cores: 'images' (each thread runs whole micro-batches), 'rows' (every GEMM split across threads), 'blas' (OpenBLAS threads) or 'auto' (images for batches of 2+ images per thread, else rows).",
                               valueName: "auto|images|rows|blas"))
    var strategy: Compute.Strategy = .auto

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Applies the settings; returns the thread count used.
    @discardableResult
    func apply() -> Int {
        let n = threads ?? max(1, System.coreCount)
        Heap.retainFreedMemory()
        Compute.configure(threads: n, strategy: strategy)
        return n
    }
}

extension Compute.Strategy: ExpressibleByArgument {}

enum System {
    static var coreCount: Int { ProcessInfoShim.activeProcessorCount }
}
