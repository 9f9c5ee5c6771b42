import Foundation

/// A claim a paper makes, as suite data: what it says (quoted), which row it is about, the
/// quantity it names, the paper's value, and the test that decides whether the measurement
/// supports it. JSON, snake_case:
///
///     {"id": "cf-vit-flops", "model": "cf-vit", "quantity": "flops_reduction_at_matched_accuracy",
///      "paper": 61, "test": "at_least", "source": "CF-ViT §4.2",
///      "text": "when maintaining the same accuracy with the backbone, CF-ViT reduces FLOPs of DeiT-S by 61%"}
public struct Claim: Codable, Equatable, Sendable {
    public var id: String
    /// The paper's words (or a faithful summary of a table row), quoted in the report.
    public var text: String
    /// Where it is printed ("CF-ViT §4.2 Model Efficiency", "LF-ViT abstract").
    public var source: String
    /// The suite row the claim is about; its baseline is the row's `baseline`.
    public var model: String
    public var quantity: ClaimQuantity
    /// η of an η-dependent quantity (top1, top1_difference, flops_reduction, speedup).
    public var eta: Double?
    /// The paper's value in the quantity's unit (%, percentage points, ×).
    public var paper: Double
    public var test: ClaimTest

    public init(id: String, text: String, source: String, model: String, quantity: ClaimQuantity,
                eta: Double? = nil, paper: Double, test: ClaimTest) {
        self.id = id
        self.text = text
        self.source = source
        self.model = model
        self.quantity = quantity
        self.eta = eta
        self.paper = paper
        self.test = test
    }
}

public enum ClaimQuantity: String, Codable, CaseIterable, Sendable {
    /// Top-1 (%) at η: an absolute ImageNet number (not measurable on other data).
    case top1
    /// Top-1 minus the baseline's (percentage points) at η, on the same images.
    case top1Difference = "top1_difference"
    /// FLOPs reduction (%) against the baseline at η.
    case flopsReduction = "flops_reduction"
    /// Throughput ratio (×) against the baseline at η.
    case speedup
    /// FLOPs reduction (%) at the smallest η where top-1 ≥ the baseline's.
    case flopsReductionAtMatchedAccuracy = "flops_reduction_at_matched_accuracy"
    /// Throughput ratio (×) at that η.
    case speedupAtMatchedAccuracy = "speedup_at_matched_accuracy"

    var needsEta: Bool {
        switch self {
        case .top1, .top1Difference, .flopsReduction, .speedup: return true
        case .flopsReductionAtMatchedAccuracy, .speedupAtMatchedAccuracy: return false
        }
    }

    /// An absolute number of the paper's setting (dataset, checkpoint), not a comparison with
    /// the baseline: only measurable on that data.
    var isAbsolute: Bool { self == .top1 }

    var unit: String {
        switch self {
        case .top1, .flopsReduction, .flopsReductionAtMatchedAccuracy: return "%"
        case .top1Difference: return " pp"
        case .speedup, .speedupAtMatchedAccuracy: return "×"
        }
    }
}

/// How a measurement decides a claim.
public enum ClaimTest: String, Codable, Sendable {
    /// Holds when the measured value is ≥ the paper's; for an accuracy difference the paired
    /// 95% interval must also lie above 0 (a gain that is not noise).
    case atLeast = "at_least"
    /// Accuracy "without compromise": holds when the paired 95% interval of the difference
    /// reaches 0 or above (the row is not significantly worse than its baseline).
    case notWorse = "not_worse"
    /// Holds when the paper's value lies inside the measured 95% interval (reproduction of an
    /// absolute number).
    case withinInterval = "within_interval"
}
