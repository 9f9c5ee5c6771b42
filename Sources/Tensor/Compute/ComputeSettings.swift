/// How much of the machine the numeric code may use: threads, and who owns them. A value, not
/// process state: the CLI builds one from `--threads` / `--strategy`, a model takes one at init
/// and runs every forward under it (`run`), and a run's provenance states it (`summary`).
public struct ComputeSettings: Equatable, Sendable, Codable {
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

    /// At least 1.
    public let threads: Int
    public let strategy: Strategy

    /// The default: one thread (what code outside any `run` scope gets).
    public init(threads: Int = 1, strategy: Strategy = .auto) {
        self.threads = max(1, threads)
        self.strategy = strategy
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Through the initializer, so that a decoded value keeps its invariant.
        self.init(threads: try c.decode(Int.self, forKey: .threads),
                  strategy: try c.decode(Strategy.self, forKey: .strategy))
    }

    /// Whether a batch of `batch` images should be split across workers image-wise. Never from
    /// inside a worker: parallelism does not nest.
    public func splitsImages(batch: Int) -> Bool {
        guard threads > 1, !Compute.inWorker else { return false }
        switch strategy {
        case .images: return batch >= 2
        case .auto: return batch >= 2 * threads
        case .rowSplit, .blasThreads: return false
        }
    }

    /// Threads OpenBLAS runs inside each of its calls under these settings.
    var blasThreads: Int { strategy == .blasThreads ? threads : 1 }

    /// Human-readable summary stored with every run.
    public var summary: String {
        "threads=\(threads) strategy=\(strategy.rawValue) simd=\(Compute.codeGeneration) gemm=\(LinearWeight.kernel) loops=\(Compute.loopThreads) blas=\(BLAS.configuration) blas_core=\(BLAS.coreSelection.summary)"
    }
}
