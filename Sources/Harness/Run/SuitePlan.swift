import Foundation
import ImageData
import RunStore
import ViT

/// Everything a suite run needs, resolved and checked before anything is written: the
/// dataset listing, each model row's spec, weights path and preprocessing.
public struct SuitePlan {
    public struct ModelRow {
        public var model: SuiteModel
        public var spec: ModelSpec
        public var weights: String
        public var preprocessing: Preprocessing
        public var etas: [Double]
    }

    public var suite: Suite
    public var root: URL?
    public var rows: [ModelRow]
    public var dataPath: String
    public var storePath: String
    public var reportsPath: String
    public var options: RunOptions

    /// Resolves paths relative to the project root (suite-internal paths) or the current
    /// directory (command-line paths).
    public static func make(suiteName: String, options: RunOptions) throws -> SuitePlan {
        let root = SuiteLoader.projectRoot()
        let file = try SuiteLoader.locate(suiteName, root: root)
        let suite = try SuiteLoader.load(file)
        let base = root ?? file.deletingLastPathComponent()
        func inProject(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let cwd = FileManager.default.currentDirectoryPath
        func fromCLI(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: cwd).appendingPathComponent(p).path }

        var selected = suite.models.filter { !($0.throughputOnly ?? false) || options.mode != .accuracy }
        if let only = options.only {
            for name in only where !suite.models.contains(where: { $0.name == name }) {
                throw SuiteError("--model \(name): no such model in suite '\(suite.name)' (has: \(suite.models.map(\.name).joined(separator: ", ")))")
            }
            selected = selected.filter { only.contains($0.name) }
        }
        for name in options.weights.keys where !suite.models.contains(where: { $0.name == name }) {
            throw SuiteError("--weights \(name)=…: no model '\(name)' in suite '\(suite.name)' (has: \(suite.models.map(\.name).joined(separator: ", ")))")
        }

        var rows: [ModelRow] = []
        var missing: [String] = []
        for m in selected {
            let spec = try SuiteLoader.spec(of: m, in: suite)
            // Weights given for a row apply to its variants too (they share the checkpoint).
            let weights: String
            if let w = options.weights[m.name] ?? SuiteLoader.inherited(m, in: suite, { options.weights[$0.name] }) {
                weights = w.hasPrefix("random:") ? w : fromCLI(w)
            } else if let w = SuiteLoader.inherited(m, in: suite, { $0.weights }) {
                weights = w.hasPrefix("random:") ? w : inProject(w)
            } else {
                throw SuiteError("model '\(m.name)' has no weights: pass --weights \(m.name)=FILE")
            }
            if !weights.hasPrefix("random:") && !FileManager.default.fileExists(atPath: weights) {
                missing.append("  \(m.name): \(weights)")
            }
            let pre = try preprocessing(named: SuiteLoader.inherited(m, in: suite, { $0.preprocessing }), spec: spec, model: m.name)
            rows.append(ModelRow(model: m, spec: spec, weights: weights, preprocessing: pre,
                                 etas: options.eta ?? m.eta ?? suite.eta))
        }
        if !missing.isEmpty {
            throw SuiteError("weights not found:\n" + missing.joined(separator: "\n")
                             + "\npass --weights MODEL=FILE (.pth or .safetensors) for each, or put the files there")
        }
        let dataPath = options.data.map(fromCLI) ?? inProject(suite.dataset.path)
        let storePath = options.store.map(fromCLI) ?? inProject("results/results.sqlite")
        let reportsPath = options.reports.map(fromCLI) ?? inProject("Reports")
        return SuitePlan(suite: suite, root: root, rows: rows, dataPath: dataPath, storePath: storePath,
                         reportsPath: reportsPath, options: options)
    }

    /// A preset name, or the preset matching the model's input size by default.
    public static func preprocessing(named name: String?, spec: ModelSpec, model: String) throws -> Preprocessing {
        if let name {
            guard let p = Preprocessing.presets[name] else {
                throw SuiteError("model '\(model)': unknown preprocessing '\(name)' (known: \(Preprocessing.presets.keys.sorted().joined(separator: ", ")))")
            }
            return p
        }
        let c = spec.backbone
        switch (c.stem, c.imageSize) {
        case (.lvvit, 288): return .lvvit288
        case (.lvvit, _): return .lvvit224
        case (_, 288): return .deit288
        case (_, 224): return .deit224
        default: return Preprocessing(imageSize: c.imageSize, cropPct: 0.875)
        }
    }
}
