/// A JSON value. Objects keep their members in document order, and numbers keep whether they
/// were written as integers: the safetensors header reader reports entries in file order and
/// needs exact integer offsets (Checkpoint's `JSONParser`); a suite's free-form overrides are
/// read through `Codable` (JSONValue+Codable.swift).
public enum JSONValue: Sendable, Hashable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number written without fraction or exponent that fits `Int`.
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// Objects are equal when their members are, in the same order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .object(members):
            hasher.combine(0)
            hasher.combine(members.count)
            for m in members {
                hasher.combine(m.key)
                hasher.combine(m.value)
            }
        case let .array(items): hasher.combine(1); hasher.combine(items)
        case let .string(s): hasher.combine(2); hasher.combine(s)
        case let .int(i): hasher.combine(3); hasher.combine(i)
        case let .double(d): hasher.combine(4); hasher.combine(d)
        case let .bool(b): hasher.combine(5); hasher.combine(b)
        case .null: hasher.combine(6)
        }
    }

    /// "an object", "a number", …: for messages that say what was found instead.
    public var typeName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .int, .double: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}
