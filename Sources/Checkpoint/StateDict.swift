import Tensor

/// A non-tensor value found in a checkpoint (`flop`, `flops`, `epoch`, `args`, …). Unknown
/// pickled objects become `.opaque` with their class name: kept for display, never executed.
public indirect enum CheckpointValue: Equatable, Sendable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([CheckpointValue])
    case dict([(String, CheckpointValue)])
    case opaque(String)

    public static func == (a: CheckpointValue, b: CheckpointValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.opaque(x), .opaque(y)): return x == y
        default: return false
        }
    }

    /// The value as a list of numbers, if it is one (e.g. `flop: [1.1, 4.0]`).
    public var numbers: [Double]? {
        switch self {
        case let .int(v): return [Double(v)]
        case let .double(v): return [v]
        case let .list(items):
            var out: [Double] = []
            for item in items {
                switch item {
                case let .int(v): out.append(Double(v))
                case let .double(v): out.append(v)
                default: return nil
                }
            }
            return out
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .none: return "None"
        case let .bool(v): return v ? "True" : "False"
        case let .int(v): return "\(v)"
        case let .double(v): return "\(v)"
        case let .string(v): return "'\(v)'"
        case let .list(v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
        case let .dict(v): return "{" + v.map { "'\($0.0)': \($0.1)" }.joined(separator: ", ") + "}"
        case let .opaque(name): return "<\(name)>"
        }
    }
}

/// Named tensors as found in a checkpoint file, in file order, plus the non-tensor entries
/// that sat beside the state dict (`flop`, `flops`, …). Keys are the upstream names.
public struct StateDict: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var tensors: [String: Tensor] = [:]
    public var extras: [String: CheckpointValue] = [:]

    public init() {}

    public init(_ pairs: [(String, Tensor)], extras: [String: CheckpointValue] = [:]) {
        for (k, t) in pairs { self[k] = t }
        self.extras = extras
    }

    public subscript(key: String) -> Tensor? {
        get { tensors[key] }
        set {
            if let newValue {
                if tensors.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if tensors.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }

    /// Total number of scalars over all tensors.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.count } }
}
