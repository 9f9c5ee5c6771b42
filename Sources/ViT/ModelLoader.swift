import Checkpoint
import Tensor

/// Why a model cannot be built: its configuration cannot run, or the weights do not fit it.
public enum ModelLoadError: Error, CustomStringConvertible {
    case invalidConfig([String])
    case layout(StateDictMismatch)

    public var description: String {
        switch self {
        case let .invalidConfig(problems): return "invalid model configuration: " + problems.joined(separator: "; ")
        case let .layout(mismatch): return mismatch.description
        }
    }

    /// Keys with another shape than the model expects (empty for config errors).
    public var mismatchedKeys: [String] {
        if case let .layout(m) = self { return m.shapeMismatches.map(\.key) }
        return []
    }
}

/// Checks a state dict against the layout a model spec needs before any binding happens, so a
/// model is either complete or not built at all.
public enum ModelLoader {
    public static func check(_ sd: StateDict, spec: ModelSpec) throws {
        let problems = spec.problems()
        if !problems.isEmpty { throw ModelLoadError.invalidConfig(problems) }
        // BatchNorm's `num_batches_tracked` counters carry no weights; accept and ignore them.
        var relevant = sd
        for key in sd.keys where KeyMap.ignorableSuffixes.contains(where: { key.hasSuffix($0) }) {
            relevant[key] = nil
        }
        if let mismatch = relevant.mismatch(expected: KeyMap.layout(for: spec)) {
            throw ModelLoadError.layout(mismatch)
        }
    }
}
