import Foundation

/// "A table with these rows and these columns": how a suite declares an ablation table
/// (CF-ViT Tables 4–8, the LF-ViT ablations) or any other comparison. JSON, snake_case:
///
///     {"id": "table4-region", "title": "Table 4: region identification",
///      "note": "early exit off", "rows": ["cf-vit", {"model": "cf-vit-neg-gca", "label": "negative GCA"}],
///      "columns": ["stage1_top1", "stage2_top1"]}
///
/// Every accuracy column gets its 95% Wilson interval beside it; every column with a paper
/// counterpart gets the declared paper number beside it (unless `paper` is false).
public struct TableSpec: Codable, Equatable, Sendable {
    /// File stem of the table's documents (`<id>.md`, `<id>.csv`): letters, digits, ".", "-", "_".
    public var id: String
    public var title: String
    public var note: String?
    /// η of the η-dependent columns for rows that do not name one (default 1.0).
    public var eta: Double?
    public var rows: [TableRowSpec]
    public var columns: [TableColumn]
    /// Put declared paper numbers beside the measured ones (default true).
    public var paper: Bool?

    public init(id: String, title: String, note: String? = nil, eta: Double? = nil,
                rows: [TableRowSpec], columns: [TableColumn], paper: Bool? = nil) {
        self.id = id
        self.title = title
        self.note = note
        self.eta = eta
        self.rows = rows
        self.columns = columns
        self.paper = paper
    }
}

/// One row: a model row name, optionally with its own label and η.
public struct TableRowSpec: Codable, Equatable, Sendable {
    public var model: String
    public var label: String?
    public var eta: Double?

    public init(model: String, label: String? = nil, eta: Double? = nil) {
        self.model = model
        self.label = label
        self.eta = eta
    }

    enum CodingKeys: String, CodingKey { case model, label, eta }

    /// Accepts a bare string (the model name) or an object.
    public init(from decoder: Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(model: name)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decode(String.self, forKey: .model),
                  label: try c.decodeIfPresent(String.self, forKey: .label),
                  eta: try c.decodeIfPresent(Double.self, forKey: .eta))
    }
}

/// The fixed set of columns a `TableSpec` chooses from.
public enum TableColumn: String, Codable, CaseIterable, Sendable {
    /// Stage 1 alone, early exit off (Table 4/5/8 "coarse").
    case stage1Top1 = "stage1_top1"
    /// The last stage alone, early exit off (Table 4/5/7/8 "fine", Table 6 accuracy).
    case stage2Top1 = "stage2_top1"
    /// Top-1 / top-5 with early exit at the row's η.
    case top1, top5
    /// Expected GFLOPs at the row's η (Table 6 uses η = 1).
    case gflops
    /// Cumulative GFLOPs of stopping after stage 1 / the last stage.
    case stage1GFLOPs = "stage1_gflops"
    case stage2GFLOPs = "stage2_gflops"
    /// Share of the images decided at stage 1 at the row's η.
    case exitShare = "stage1_exit_share"
    /// Images/s at the row's η (see `ThroughputSetting`).
    case throughput
    case images = "n_images"
    case params = "param_count"

    var dependsOnEta: Bool {
        switch self {
        case .top1, .top5, .gflops, .exitShare, .throughput: return true
        default: return false
        }
    }

    var isAccuracy: Bool {
        switch self {
        case .stage1Top1, .stage2Top1, .top1, .top5: return true
        default: return false
        }
    }

    var paperMetric: PaperMetric? {
        switch self {
        case .stage1Top1: return .stage1Top1
        case .stage2Top1: return .stage2Top1
        case .top1: return .top1
        case .top5: return .top5
        case .gflops: return .gflops
        case .stage1GFLOPs: return .stage1GFLOPs
        case .stage2GFLOPs: return .stage2GFLOPs
        case .throughput: return .throughput
        case .exitShare, .images, .params: return nil
        }
    }

    var header: String {
        switch self {
        case .stage1Top1: return "Stage-1 top-1 (%)"
        case .stage2Top1: return "Stage-2 top-1 (%)"
        case .top1: return "Top-1 (%)"
        case .top5: return "Top-5 (%)"
        case .gflops: return "GFLOPs"
        case .stage1GFLOPs: return "Stage-1 GFLOPs"
        case .stage2GFLOPs: return "Stage-2 GFLOPs"
        case .exitShare: return "Stage-1 exits (%)"
        case .throughput: return "Throughput (img/s)"
        case .images: return "Images"
        case .params: return "Params (M)"
        }
    }
}

/// Table 1 of CF-ViT: accuracy and FLOPs of whole models or single stages side by side (the
/// full-resolution model against the 7×7 stage 1). Each row is a model and a stage.
public struct Table1Spec: Codable, Equatable, Sendable {
    public var title: String?
    public var note: String?
    public var rows: [Table1Row]

    public init(title: String? = nil, note: String? = nil, rows: [Table1Row]) {
        self.title = title
        self.note = note
        self.rows = rows
    }
}

public struct Table1Row: Codable, Equatable, Sendable {
    public var model: String
    /// 1-based stage, early exit off (default: the model's last stage).
    public var stage: Int?
    public var label: String?

    public init(model: String, stage: Int? = nil, label: String? = nil) {
        self.model = model
        self.stage = stage
        self.label = label
    }
}

/// Which throughput measurement a table uses when a row has several (same η, different
/// batch or thread count). nil fields match anything; among matches the first in the
/// row's `throughput` array wins.
public struct ThroughputSetting: Codable, Equatable, Sendable {
    public var batchSize: Int?
    public var threads: Int?

    public init(batchSize: Int? = nil, threads: Int? = nil) {
        self.batchSize = batchSize
        self.threads = threads
    }

    enum CodingKeys: String, CodingKey { case batchSize = "batch_size", threads }
}
