import Foundation

/// Numbers a paper published for one suite row, placed beside the measured ones. Every
/// field but `model` and `source` is optional: declare what the paper printed. Accuracies in
/// percent (79.8), FLOPs in GFLOPs, throughput in images/s.
///
/// Matching: an η-dependent number (`top1`, `top5`, `gflops`, `throughput`) belongs to the
/// measured row with the same model and the same η (|Δη| ≤ 1e-9; `eta == nil` matches a
/// single-stage row). Stage numbers (`stage1_top1`, …) describe the model with early exit
/// off and match the model's rows at any η; an entry with `eta == nil` is preferred.
public struct PaperNumber: Codable, Equatable, Sendable {
    public var model: String
    public var eta: Double?
    public var top1: Double?
    public var top5: Double?
    public var gflops: Double?
    public var throughput: Double?
    /// Stage 1 alone (coarse / localization), e.g. Table 4's "coarse" column, Table 1's 7×7.
    public var stage1Top1: Double?
    /// The last stage alone with early exit off, e.g. Table 4's "fine" column.
    public var stage2Top1: Double?
    public var stage1GFLOPs: Double?
    public var stage2GFLOPs: Double?
    /// Where the numbers were printed, e.g. "CF-ViT Table 2 (ImageNet val, A100, batch 1024)".
    public var source: String

    public init(model: String, eta: Double? = nil, top1: Double? = nil, top5: Double? = nil,
                gflops: Double? = nil, throughput: Double? = nil, stage1Top1: Double? = nil,
                stage2Top1: Double? = nil, stage1GFLOPs: Double? = nil, stage2GFLOPs: Double? = nil,
                source: String) {
        self.model = model
        self.eta = eta
        self.top1 = top1
        self.top5 = top5
        self.gflops = gflops
        self.throughput = throughput
        self.stage1Top1 = stage1Top1
        self.stage2Top1 = stage2Top1
        self.stage1GFLOPs = stage1GFLOPs
        self.stage2GFLOPs = stage2GFLOPs
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case model, eta, top1, top5, gflops, throughput
        case stage1Top1 = "stage1_top1", stage2Top1 = "stage2_top1"
        case stage1GFLOPs = "stage1_gflops", stage2GFLOPs = "stage2_gflops", source
    }
}

/// The paper-comparable metrics, each a measured column with an optional paper column beside it.
public enum PaperMetric: String, Codable, CaseIterable, Sendable {
    case top1, top5, gflops, throughput
    case stage1Top1 = "stage1_top1", stage2Top1 = "stage2_top1"
    case stage1GFLOPs = "stage1_gflops", stage2GFLOPs = "stage2_gflops"

    /// Whether the number depends on η (else it describes a stage with early exit off).
    var dependsOnEta: Bool {
        switch self {
        case .top1, .top5, .gflops, .throughput: return true
        default: return false
        }
    }

    func value(in paper: PaperNumber) -> Double? {
        switch self {
        case .top1: return paper.top1
        case .top5: return paper.top5
        case .gflops: return paper.gflops
        case .throughput: return paper.throughput
        case .stage1Top1: return paper.stage1Top1
        case .stage2Top1: return paper.stage2Top1
        case .stage1GFLOPs: return paper.stage1GFLOPs
        case .stage2GFLOPs: return paper.stage2GFLOPs
        }
    }
}

/// Looks up declared paper numbers.
struct PaperIndex {
    let numbers: [PaperNumber]

    /// The declared value of `metric` for `model` at `eta` (see `PaperNumber` for the rule).
    func value(_ metric: PaperMetric, model: String, eta: Double?) -> (value: Double, source: String)? {
        let mine = numbers.filter { $0.model == model }
        if metric.dependsOnEta {
            for p in mine where etaMatches(p.eta, eta) {
                if let v = metric.value(in: p) { return (v, p.source) }
            }
            return nil
        }
        for p in mine where p.eta == nil {
            if let v = metric.value(in: p) { return (v, p.source) }
        }
        for p in mine {
            if let v = metric.value(in: p) { return (v, p.source) }
        }
        return nil
    }
}

func etaMatches(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return abs(x - y) <= 1e-9
    default: return false
    }
}
