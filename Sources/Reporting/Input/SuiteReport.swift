import Foundation

/// Everything `repro report` shows for one suite: plain values, filled by the caller from the
/// store and the suite file. Codable (snake_case), so a report can also be rendered from a
/// JSON dump.
public struct SuiteReport: Codable, Equatable, Sendable {
    public var provenance: ReportProvenance
    /// Heading of the index document (default "Suite <name>").
    public var title: String?
    /// η values reported in tables (the sweep itself covers 0.00…0.99 and 1.0).
    public var etas: [Double]
    /// Rows in suite order; tables, legends and CSVs follow this order.
    public var models: [ModelResult]
    public var paper: [PaperNumber]
    public var table1: Table1Spec?
    /// Ablation and other tables.
    public var tables: [TableSpec]
    public var throughputSetting: ThroughputSetting?
    /// Header of the paper columns, naming the conditions the paper measured under.
    public var paperLabel: String
    /// The papers' claims to check against the measured rows (suite data).
    public var claims: [Claim]
    /// The data is the bundled synthetic set (claims about absolute ImageNet numbers are then
    /// not measurable, and the report says so).
    public var syntheticData: Bool

    public init(provenance: ReportProvenance, title: String? = nil, etas: [Double],
                models: [ModelResult], paper: [PaperNumber] = [], table1: Table1Spec? = nil,
                tables: [TableSpec] = [], throughputSetting: ThroughputSetting? = nil,
                paperLabel: String = "paper (ImageNet)", claims: [Claim] = [], syntheticData: Bool = false) {
        self.provenance = provenance
        self.title = title
        self.etas = etas
        self.models = models
        self.paper = paper
        self.table1 = table1
        self.tables = tables
        self.throughputSetting = throughputSetting
        self.paperLabel = paperLabel
        self.claims = claims
        self.syntheticData = syntheticData
    }

    enum CodingKeys: String, CodingKey {
        case provenance, title, etas, models, paper, table1, tables
        case throughputSetting = "throughput_setting", paperLabel = "paper_label", claims
        case syntheticData = "synthetic_data"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        provenance = try c.decode(ReportProvenance.self, forKey: .provenance)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        etas = try c.decode([Double].self, forKey: .etas)
        models = try c.decode([ModelResult].self, forKey: .models)
        paper = try c.decodeIfPresent([PaperNumber].self, forKey: .paper) ?? []
        table1 = try c.decodeIfPresent(Table1Spec.self, forKey: .table1)
        tables = try c.decodeIfPresent([TableSpec].self, forKey: .tables) ?? []
        throughputSetting = try c.decodeIfPresent(ThroughputSetting.self, forKey: .throughputSetting)
        paperLabel = try c.decodeIfPresent(String.self, forKey: .paperLabel) ?? "paper (ImageNet)"
        claims = try c.decodeIfPresent([Claim].self, forKey: .claims) ?? []
        syntheticData = try c.decodeIfPresent(Bool.self, forKey: .syntheticData) ?? false
    }

    public func model(named name: String) -> ModelResult? {
        models.first { $0.name == name }
    }

    /// η values a row reports: its own, else the suite's; nil (one row) for a single-stage model.
    public func reportedEtas(of model: ModelResult) -> [Double?] {
        model.isTwoStage ? (model.reportEtas ?? etas).map { Optional($0) } : [nil]
    }

    var paperIndex: PaperIndex { PaperIndex(numbers: paper) }
}
