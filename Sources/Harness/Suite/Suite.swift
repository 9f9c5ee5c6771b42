import Common
import Foundation
import Reporting
import ViT

/// A suite is a data file (experiments/suites/NAME.json): the dataset, the models (or ablation
/// variants of them) to evaluate, the η points to report, throughput settings, the report
/// tables and the paper's own numbers for the same rows. Keys are snake_case.
public struct Suite: Codable, Equatable {
    public var name: String
    public var description: String?
    /// Another suite file (relative to this one) whose keys this file's keys replace.
    public var include: String?
    public var dataset: DatasetSpec
    public var models: [SuiteModel]
    /// η values reported in tables (the sweep itself always covers 0.00…0.99 and 1.0).
    public var eta: [Double]
    public var throughput: ThroughputSpec?
    /// Ablation / comparison tables for the reports (rows = model names, columns from a fixed set).
    public var tables: [TableSpec]?
    /// Table 1 (full resolution vs stage 1 only); default: derived from the models.
    public var table1: Table1Spec?
    /// The papers' own numbers for these rows, shown beside the measured ones.
    public var paper: [PaperNumber]?
    /// Label of the paper columns, e.g. "paper (ImageNet)".
    public var paperLabel: String?
    /// The papers' claims about these rows, checked in the report (claims table).
    public var claims: [Claim]?

    public struct DatasetSpec: Codable, Equatable {
        /// A folder, relative to the project root or absolute.
        public var path: String
        /// "folders" (class folders, default), "kaggle" (LOC_val_solution.csv) or "list" (path<TAB>label).
        public var layout: String?
        /// Label file for the flat layouts.
        public var labels: String?
        /// Fixed class list (one name per line); default: the sorted class folders.
        public var classes: String?
        /// Generate the bundled synthetic data set into `path` if it is missing.
        public var synth: SynthSpec?
        public var limit: Int?
        public var every: Int?
        /// As `--strict-data`: links not followed, duplicates and unreadable images are errors.
        public var strict: Bool?
    }

    public struct SynthSpec: Codable, Equatable {
        public var seed: UInt64?
        /// Which split of the generated set this suite evaluates ("val").
        public var split: String?
    }

    public struct ThroughputSpec: Codable, Equatable {
        public var batch: Int
        /// Images timed per (model, η) point; they are decoded once and held in memory.
        public var images: Int
        public var warmup: Int
        public var eta: [Double]?
        /// Passes over the images per η, interleaved across the η (pass 1 of every η, then
        /// pass 2, …); the stored time is the median pass, so one busy moment of a shared
        /// machine moves one pass, not a whole point. Absent: `defaultPasses`.
        public var passes: Int?

        public static let defaultPasses = 3

        public init(batch: Int, images: Int, warmup: Int, eta: [Double]? = nil, passes: Int? = nil) {
            self.batch = batch; self.images = images; self.warmup = warmup; self.eta = eta; self.passes = passes
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, description, include, dataset, models, eta, throughput, tables, table1, paper, claims
        case paperLabel = "paper_label"
    }
}

/// One evaluated model: a preset or inline spec, its weights and preprocessing, or a variant of
/// another row with config overrides (the ablations).
public struct SuiteModel: Codable, Equatable {
    /// Row name used in the store and the reports ("cf-vit", "cf-vit-neg-gca").
    public var name: String
    public var label: String?
    public var preset: String?
    public var spec: ModelSpec?
    /// Variant of another row: inherits its preset/spec, weights and preprocessing.
    public var from: String?
    /// Overrides of TwoStageConfig fields by their snake_case keys (alpha, beta, region_score, …).
    public var overrides: [String: JSONValue]?
    public var weights: String?
    /// A preprocessing preset name ("deit", "deit-288", "lvvit", "bundled") or an inline value.
    public var preprocessing: String?
    /// The row this one is compared with (Δ top-1, FLOPs ↓, speed-up ×).
    public var baseline: String?
    /// η points for this row (default: the suite's).
    public var eta: [Double]?
    /// Only evaluated in throughput mode, never stored per image (e.g. timing-only rows).
    public var throughputOnly: Bool?

    enum CodingKeys: String, CodingKey {
        case name, label, preset, spec, from, overrides, weights, preprocessing, baseline, eta
        case throughputOnly = "throughput_only"
    }
}
