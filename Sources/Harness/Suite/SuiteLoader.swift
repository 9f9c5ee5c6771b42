import Common
import Foundation
import ViT

/// Errors a user can fix: each names the file or field and says what to do.
public struct SuiteError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Finds, reads and checks suite files.
public enum SuiteLoader {
    /// The folder holding Package.swift above `start` (the project root), if any.
    public static func projectRoot(from start: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> URL? {
        var dir = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: dir.appendingPathComponent("experiments/suites").path) {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// Suite names available under experiments/suites of the project root.
    public static func available(root: URL?) -> [String] {
        guard let root else { return [] }
        let dir = root.appendingPathComponent("experiments/suites")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix("_") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// `name` is a suite name (experiments/suites/NAME.json) or a path to a .json file.
    public static func locate(_ name: String, root: URL?) throws -> URL {
        if name.hasSuffix(".json") || name.contains("/") {
            let url = URL(fileURLWithPath: name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SuiteError("suite file \(name) does not exist")
            }
            return url
        }
        guard let root else {
            throw SuiteError("no suite '\(name)': run repro from the repro project folder (where experiments/suites/ is), or pass --suite PATH.json")
        }
        let url = root.appendingPathComponent("experiments/suites/\(name).json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            let known = available(root: root)
            throw SuiteError("unknown suite '\(name)'; available: \(known.joined(separator: ", ")) (files in experiments/suites/)")
        }
        return url
    }

    /// Reads a suite, applying `include` chains (the including file's top-level keys replace the
    /// included file's).
    public static func load(_ url: URL) throws -> Suite {
        let object = try mergedObject(url, seen: [])
        let data = try JSONSerialization.data(withJSONObject: object)
        let suite: Suite
        do {
            suite = try JSONDecoder().decode(Suite.self, from: data)
        } catch let error as DecodingError {
            throw SuiteError("\(url.path): \(describe(error))")
        }
        try check(suite, file: url.path)
        return suite
    }

    private static func mergedObject(_ url: URL, seen: Set<String>) throws -> [String: Any] {
        let path = url.standardizedFileURL.path
        if seen.contains(path) { throw SuiteError("\(path): include cycle") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SuiteError("cannot read suite file \(path)")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw SuiteError("\(path) is not valid JSON: \(error.localizedDescription)")
        }
        guard var object = parsed as? [String: Any] else { throw SuiteError("\(path): the top level must be an object") }
        if let include = object["include"] as? String {
            let base = try mergedObject(url.deletingLastPathComponent().appendingPathComponent(include),
                                        seen: seen.union([path]))
            object = base.merging(object) { _, mine in mine }
        }
        return object
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, ctx): return "missing field '\(([path(ctx)] + [key.stringValue]).filter { !$0.isEmpty }.joined(separator: "."))'"
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
            return "field '\(path(ctx))': \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    static func check(_ suite: Suite, file: String) throws {
        var problems: [String] = []
        let names = suite.models.map(\.name)
        for dup in Set(names) where names.filter({ $0 == dup }).count > 1 { problems.append("model name '\(dup)' is used twice") }
        for m in suite.models {
            if m.preset == nil && m.spec == nil && m.from == nil {
                problems.append("model '\(m.name)' needs one of preset, spec or from")
            }
            if let p = m.preset, ModelPresets.spec(named: p) == nil {
                problems.append("model '\(m.name)': unknown preset '\(p)'")
            }
            if let f = m.from, !names.contains(f) { problems.append("model '\(m.name)': 'from' names unknown model '\(f)'") }
            if let b = m.baseline, !names.contains(b) { problems.append("model '\(m.name)': 'baseline' names unknown model '\(b)'") }
            for (key, value) in (m.overrides ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let problem = overrideProblem(model: m.name, key: key, value) { problems.append(problem) }
            }
        }
        for eta in suite.eta + suite.models.flatMap({ $0.eta ?? [] }) where !(0...1.5).contains(eta) {
            problems.append("η \(eta) is outside [0, 1.5]")
        }
        if let t = suite.throughput {
            if t.batch < 1 { problems.append("throughput.batch must be at least 1") }
            if t.images < 1 { problems.append("throughput.images must be at least 1") }
            if t.warmup < 0 { problems.append("throughput.warmup must not be negative") }
            if let n = t.passes, n < 1 { problems.append("throughput.passes must be at least 1") }
        }
        for p in suite.paper ?? [] where !names.contains(p.model) {
            problems.append("paper number for unknown model '\(p.model)'")
        }
        for c in suite.claims ?? [] {
            if !names.contains(c.model) { problems.append("claim '\(c.id)' is about unknown model '\(c.model)'") }
            if c.quantity != .flopsReductionAtMatchedAccuracy && c.quantity != .speedupAtMatchedAccuracy && c.eta == nil {
                problems.append("claim '\(c.id)': quantity '\(c.quantity.rawValue)' needs an eta")
            }
        }
        if !problems.isEmpty { throw SuiteError("\(file): " + problems.joined(separator: "; ")) }
    }

    /// The model spec of a row, following `from` and applying overrides.
    public static func spec(of model: SuiteModel, in suite: Suite) throws -> ModelSpec {
        var chain: [SuiteModel] = [model]
        while let f = chain.last!.from {
            guard let parent = suite.models.first(where: { $0.name == f }) else { throw SuiteError("unknown model '\(f)'") }
            if chain.contains(where: { $0.name == parent.name }) { throw SuiteError("'from' cycle at '\(f)'") }
            chain.append(parent)
        }
        let root = chain.last!
        var spec: ModelSpec
        if let s = root.spec { spec = s }
        else if let p = root.preset, let s = ModelPresets.spec(named: p) { spec = s }
        else { throw SuiteError("model '\(root.name)' has no preset or spec") }
        for m in chain.reversed() where m.overrides != nil {
            spec = try apply(m.overrides!, to: spec, model: m.name)
        }
        let problems = spec.problems()
        if !problems.isEmpty { throw SuiteError("model '\(model.name)': " + problems.joined(separator: "; ")) }
        return spec
    }

    /// Inherited field lookup along the `from` chain.
    public static func inherited<T>(_ model: SuiteModel, in suite: Suite, _ field: (SuiteModel) -> T?) -> T? {
        var m: SuiteModel? = model
        var hops = 0
        while let cur = m, hops < 16 {
            if let v = field(cur) { return v }
            m = cur.from.flatMap { f in suite.models.first { $0.name == f } }
            hops += 1
        }
        return nil
    }

    /// Overrides set config fields, which take numbers, strings and booleans: anything else is
    /// refused when the suite is read, as it always was.
    static func overrideProblem(model: String, key: String, _ value: JSONValue) -> String? {
        value.overrideValue == nil
            ? "model '\(model)': override '\(key)' is \(value.typeName), expected a number, a string or a boolean"
            : nil
    }

    static func apply(_ overrides: [String: JSONValue], to spec: ModelSpec, model: String) throws -> ModelSpec {
        guard case let .twoStage(config) = spec else {
            throw SuiteError("model '\(model)': overrides apply to two-stage models only")
        }
        let known = Set(["alpha", "beta", "gca_start_block", "region_size", "k_ratio", "rounding", "feature_reuse",
                         "region_score", "random_seed", "reuse_coarse_tokens"])
        for key in overrides.keys where !known.contains(key) {
            throw SuiteError("model '\(model)': unknown override '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as! [String: Any]
        for (k, v) in overrides {
            guard let value = v.overrideValue else { throw SuiteError(overrideProblem(model: model, key: k, v)!) }
            object[k] = value
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
            return .twoStage(try JSONDecoder().decode(TwoStageConfig.self, from: data))
        } catch let error as DecodingError {
            throw SuiteError("model '\(model)': override \(describe(error))")
        }
    }
}

private extension JSONValue {
    /// The value as JSONSerialization takes it, for a config field; nil for null, arrays and
    /// objects, which no field takes.
    var overrideValue: Any? {
        switch self {
        case let .int(i): return i
        case let .double(d): return d
        case let .string(s): return s
        case let .bool(b): return b
        case .null, .array, .object: return nil
        }
    }
}
