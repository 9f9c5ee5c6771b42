import Tensor

/// Why a state dict cannot become a model.
public struct ModelLoadError: Error, CustomStringConvertible {
    public var missing: [String]
    public var unexpected: [String]
    public var mismatched: [(key: String, expected: [Int], found: [Int])]
    public var configProblems: [String]

    public var description: String {
        var lines: [String] = []
        if !configProblems.isEmpty { lines.append("invalid configuration: " + configProblems.joined(separator: "; ")) }
        if !missing.isEmpty { lines.append("missing \(missing.count) tensor(s): " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { lines.append("unexpected \(unexpected.count) tensor(s): " + unexpected.joined(separator: ", ")) }
        for m in mismatched { lines.append("shape mismatch for \(m.key): expected \(m.expected), found \(m.found)") }
        return lines.joined(separator: "\n")
    }
}

/// Checks a state dict against the layout a model spec needs before any binding happens, so a
/// model is either complete or not built at all.
public enum ModelLoader {
    public static func check(_ sd: StateDict, spec: ModelSpec) throws {
        let problems = spec.problems()
        var err = ModelLoadError(missing: [], unexpected: [], mismatched: [], configProblems: problems)
        if problems.isEmpty {
            let layout = KeyMap.layout(for: spec)
            let expected = Set(layout.map(\.key))
            for (key, shape) in layout {
                guard let t = sd[key] else { err.missing.append(key); continue }
                if t.shape != shape { err.mismatched.append((key, shape, t.shape)) }
            }
            err.unexpected = sd.keys.filter { key in
                !expected.contains(key) && !KeyMap.ignorableSuffixes.contains { key.hasSuffix($0) }
            }
        }
        if !err.configProblems.isEmpty || !err.missing.isEmpty || !err.unexpected.isEmpty || !err.mismatched.isEmpty {
            throw err
        }
    }
}
