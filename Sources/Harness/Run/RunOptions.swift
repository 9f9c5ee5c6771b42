import Foundation
import Tensor

/// Command-line overrides of a suite, and how to run it.
public struct RunOptions {
    public enum Mode: String, CaseIterable, Sendable {
        case accuracy, throughput, all
    }

    /// Evaluate this folder instead of the suite's dataset path.
    public var data: String?
    /// Class list file (one name per line) instead of the suite's / the sorted folders.
    public var classes: String?
    /// Per model row: a weights file (or "random:SEED").
    public var weights: [String: String] = [:]
    /// The store (default: results/results.sqlite under the project root).
    public var store: String?
    /// Where reports go (default: Reports/ under the project root).
    public var reports: String?
    public var limit: Int?
    public var every: Int?
    public var batch: Int = 32
    /// Threads and strategy of the models, the inline decoding and the cost calibration; stated
    /// in every run's provenance.
    public var compute = ComputeSettings()
    /// Background decode / preprocess workers ahead of the model; 0 decodes each batch inline
    /// on the compute threads; nil picks (see `decodeWorkers`).
    public var workers: Int?
    /// Replaces the suite's reported η values.
    public var eta: [Double]?
    /// (index, count) for --shard i/n.
    public var shard: (index: Int, count: Int)?
    public var mode: Mode = .all
    /// Evaluate only these model rows.
    public var only: [String]?
    /// Wait for another writer instead of failing.
    public var wait = false
    /// Write reports after the run.
    public var writeReports = true
    /// Refuse data that loses or repeats images, before any model runs (see `StrictData`).
    public var strictData = false
    /// Checked between batches: once set (by a signal), the runner commits the batch in flight,
    /// marks the run interrupted and throws `RunStopped`.
    public var stop: StopRequest?

    public init() {}

    /// The decode workers a run uses: the user's choice, else inline (0) when the compute
    /// threads take every core (background workers would preempt the model; see
    /// `PrefetchPipeline`), else one worker per spare core, up to 4.
    public func decodeWorkers(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        if let workers { return workers }
        return compute.threads >= cores ? 0 : min(4, cores - compute.threads)
    }
}
