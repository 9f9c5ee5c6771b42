/// Values built by the restricted unpickler. Lists, dicts and opaque objects are reference
/// types because pickle mutates them after memoizing (APPENDS / SETITEMS / BUILD reach the
/// same object through BINGET); everything else is a plain value.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer outside Int64 (LONG1 / LONG4); kept as its byte length only.
    case bigInt(byteCount: Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// Built through `PickleValue.tuple(_:)`, which records the nesting depth.
    case tuple([PickleValue], depth: Int)
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function reference by name. Never imported, never called.
    case global(module: String, name: String)
    case object(PickleObject)
    case storage(StorageRef)
    case tensor(TensorRef)

    /// Deeper structures are refused: releasing a value recurses once per level, so a
    /// crafted pickle nesting a million tuples would otherwise overflow the stack.
    static let maxNestingDepth = 400

    static func tuple(_ items: [PickleValue]) -> PickleValue {
        .tuple(items, depth: 1 + (items.map(\.nestingDepth).max() ?? 0))
    }

    /// Container nesting below this value (0 for scalars), kept in O(1).
    var nestingDepth: Int {
        switch self {
        case let .tuple(_, depth): return depth
        case let .list(l): return l.depth
        case let .dict(d): return d.depth
        case let .object(o): return o.depth
        default: return 0
        }
    }

    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(m, n): return "\(m).\(n)"
        case let .object(o): return o.className
        case .storage: return "torch.Storage"
        case .tensor: return "torch.Tensor"
        }
    }

    /// A short rendering for error messages and dictionary keys that are not strings.
    var shortDescription: String {
        switch self {
        case .none: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(i): return "\(i)"
        case let .float(d): return "\(d)"
        case let .string(s): return s
        case let .tuple(items, _): return "(" + items.map(\.shortDescription).joined(separator: ", ") + ")"
        default: return "<\(typeName)>"
        }
    }
}

final class PickleList {
    private(set) var items: [PickleValue] = []
    private(set) var depth = 1

    init(_ items: [PickleValue] = []) { append(contentsOf: items) }

    func append(contentsOf more: [PickleValue]) {
        for item in more { depth = max(depth, 1 + item.nestingDepth) }
        items.append(contentsOf: more)
    }
}

/// A pickled dict in insertion order. Keys that are strings or ints are indexed so that
/// SETITEM on an existing key replaces the value as Python would; other keys are appended.
final class PickleDict {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var index: [String: Int] = [:]
    private(set) var depth = 1

    private static func indexKey(_ key: PickleValue) -> String? {
        switch key {
        case let .string(s): return "s:" + s
        case let .int(i): return "i:\(i)"
        case let .bool(b): return "i:\(b ? 1 : 0)"
        default: return nil
        }
    }

    func set(_ key: PickleValue, _ value: PickleValue) {
        depth = max(depth, 1 + key.nestingDepth, 1 + value.nestingDepth)
        if let k = PickleDict.indexKey(key) {
            if let i = index[k] {
                entries[i].value = value
                return
            }
            index[k] = entries.count
        }
        entries.append((key, value))
    }

    subscript(string key: String) -> PickleValue? {
        index["s:" + key].map { entries[$0].value }
    }

    var count: Int { entries.count }
}

/// An instance of a class this unpickler does not know (e.g. `argparse.Namespace`): only
/// its class name, constructor arguments and BUILD state are recorded.
final class PickleObject {
    let className: String
    let arguments: [PickleValue]
    var state: PickleValue? {
        didSet { depth = max(depth, 1 + (state?.nestingDepth ?? 0)) }
    }
    private(set) var depth: Int

    init(className: String, arguments: [PickleValue]) {
        self.className = className
        self.arguments = arguments
        depth = 1 + (arguments.map(\.nestingDepth).max() ?? 0)
    }
}

/// A persistent storage reference: `('storage', storage_type, key, location, numel)`.
struct StorageRef {
    /// The storage class as pickled (`torch.FloatStorage`, `torch.storage.UntypedStorage`).
    let typeName: String
    /// The element type of a typed storage; nil for untyped storages (the dtype then comes
    /// with `_rebuild_tensor_v3`) and for typed storages this reader cannot convert.
    let elementType: CheckpointDType?
    let isUntyped: Bool
    let key: String
    let location: String
    /// Elements for typed storages, bytes for untyped ones.
    let declaredCount: Int
}

/// A tensor as `_rebuild_tensor_v2/v3` describes it: a strided view of a storage.
struct TensorRef {
    let storage: StorageRef
    /// nil when the dtype has no Float32 conversion here; `dtypeName` says which it was.
    let elementType: CheckpointDType?
    let dtypeName: String
    let storageOffset: Int
    let sizes: [Int]
    let strides: [Int]
    /// Product of `sizes`, checked for overflow when the reference was built.
    let elementCount: Int
}
