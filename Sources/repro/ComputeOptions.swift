import ArgumentParser
import Tensor

/// Thread options shared by every command that runs a model.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the numeric kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Who owns the cores.")
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

enum System {
    static var coreCount: Int { ProcessInfoShim.activeProcessorCount }
}
