import Domain
import Foundation

/// A row against the row it is compared with, on the same images: per η, the 2×2 table of
/// top-1 correctness, the exact McNemar p-value and the paired bootstrap 95% interval of the
/// accuracy difference. Computed and stored by the harness (RunStore `paired_stats`); the
/// report only formats them.
public struct PairedComparison: Codable, Equatable, Sendable {
    /// The other row's name (the baseline, or the main row of an ablation variant).
    public var reference: String
    /// "baseline" or "variant".
    public var relation: String
    public var points: [PairedPoint]

    public init(reference: String, relation: String, points: [PairedPoint]) {
        self.reference = reference
        self.relation = relation
        self.points = points
    }

    /// The point at `eta` (nil: a single-stage row, whose statistics are the same at every η).
    public func point(at eta: Double?) -> PairedPoint? {
        guard let eta else { return points.last }
        return points.first { abs($0.eta - eta) <= 1e-9 }
    }
}

public struct CheckpointCurve: Codable, Equatable, Sendable {
    /// "budgeted_batch_classification" or "anytime_classification".
    public var name: String
    public var points: [CheckpointCurvePointResult]

    public init(name: String, points: [CheckpointCurvePointResult]) {
        self.name = name
        self.points = points
    }
}

public struct CheckpointCurvePointResult: Codable, Equatable, Sendable {
    public var eta: Double?
    public var gflops: Double?
    /// Percent, as printed.
    public var top1: Double

    public init(eta: Double?, gflops: Double?, top1: Double) {
        self.eta = eta
        self.gflops = gflops
        self.top1 = top1
    }
}
