import ArgumentParser
import Tensor

/// Thread options shared by every command that runs a model.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the numeric kernels (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Who owns the cores: 'images' (each thread runs whole micro-batches), 'rows' (every GEMM split across threads), 'blas' (OpenBLAS threads) or 'auto' (images for batches of 2+ images per thread, else rows).",
                               valueName: "auto|images|rows|blas"))
    var strategy: ComputeSettings.Strategy = .auto

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The settings the command's models and pipelines run under. Prepares the process first:
    /// malloc tuning, and OpenBLAS's kernel choice before any BLAS work (its note printed first).
    func settings() -> ComputeSettings {
        Heap.retainFreedMemory()
        _ = BLAS.coreSelection
        return ComputeSettings(threads: threads ?? max(1, System.coreCount), strategy: strategy)
    }
}

extension ComputeSettings.Strategy: ExpressibleByArgument {}

enum System {
    static var coreCount: Int { ProcessInfoShim.activeProcessorCount }
}
