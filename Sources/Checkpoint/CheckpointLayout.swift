import Tensor

/// Where the weights sit inside an unpickled checkpoint, and how everything beside them
/// becomes `CheckpointValue` extras. Released CF-ViT / LF-ViT files are
/// `{'model': state_dict, 'flop' | 'flops': [...], 'anytime_classification': [...],
/// 'budgeted_batch_classification': [[...], [...]]}`; training files add `optimizer`,
/// `lr_scheduler`, `epoch`, `model_ema`, `scaler`, `args` (spec/lf-vit.md §8).
enum CheckpointLayout {
    /// Top-level keys that may hold the state dict, in order of preference. `model_ema`
    /// is deliberately absent: the evaluated weights are `model`.
    static let containerKeys = ["model", "state_dict"]

    static func stateDict(from root: PickleValue, archive: TorchArchive) throws -> StateDict {
        let path = archive.path
        guard case let .dict(top) = root else {
            if case let .object(o) = root {
                throw WeightsError(.notAStateDict, path: path,
                                   "the file holds a pickled \(o.className) object, not a dict of tensors "
                                   + "(was it saved with torch.save(model)?); re-save it with "
                                   + "torch.save(model.state_dict(), path)")
            }
            throw WeightsError(.notAStateDict, path: path,
                               "the file holds a \(root.typeName), not a dict of tensors")
        }

        var containerKey: String?
        for key in containerKeys {
            guard let value = top[string: key] else { continue }
            if case let .dict(inner) = value, inner.entries.contains(where: { $0.value.isTensor }) {
                containerKey = key
                break
            }
            if case let .object(o) = value {
                throw WeightsError(.notAStateDict, path: path,
                                   "entry '\(key)' is a pickled \(o.className) object, not a state dict; "
                                   + "re-save it with torch.save({'\(key)': model.state_dict()}, path)")
            }
        }
        let weights: PickleDict
        if let containerKey, case let .dict(inner)? = top[string: containerKey] {
            weights = inner
        } else if top.entries.contains(where: { $0.value.isTensor }) {
            weights = top
        } else {
            let listing = top.entries.prefix(20).map { "'\($0.key.shortDescription)' (\($0.value.typeName))" }
                .joined(separator: ", ")
            var message = "no state dict found: the top-level dict holds no tensors and no 'model' or "
                + "'state_dict' entry with tensors; its keys: \(listing.isEmpty ? "none" : listing)"
            if top[string: "model_ema"] != nil {
                message += "; 'model_ema' is not used as the weights — save the model you evaluate under 'model'"
            }
            throw WeightsError(.notAStateDict, path: path, message)
        }

        var converter = ValueConverter(archive: archive)
        var dict = StateDict()
        for (key, value) in weights.entries {
            guard case let .string(name) = key else {
                throw WeightsError(.notAStateDict, path: path,
                                   "state dict key \(key.shortDescription) is a \(key.typeName), expected a string")
            }
            if case let .tensor(ref) = value {
                dict[name] = try archive.materialize(ref, key: name)
            } else if case let .object(o) = value, o.className.hasPrefix("torch.") {
                // `_rebuild_qtensor`, `_rebuild_sparse_tensor`, … : a weight this reader
                // cannot turn into a dense Float32 tensor. Failing here beats a key that
                // silently goes missing.
                throw WeightsError(.invalidTensor, path: path,
                                   "state dict entry '\(name)' is built by \(o.className), not a dense tensor "
                                   + "(quantized or sparse?); dequantize / .to_dense() it in Python and re-save")
            } else {
                // e.g. an `_extra_state` entry: keep it visible, beside the other extras.
                let extraKey = containerKey.map { "\($0).\(name)" } ?? name
                dict.extras[extraKey] = try converter.convert(value)
            }
        }
        if let containerKey {
            for (key, value) in top.entries {
                let name = key.shortDescription
                if name == containerKey { continue }
                dict.extras[name] = try converter.convert(value)
            }
        }
        return dict
    }

    /// Removes the `module.` prefix that `DistributedDataParallel` adds to every key.
    static func strippingModulePrefix(_ dict: StateDict, path: String) throws -> StateDict {
        let prefix = "module."
        guard dict.keys.contains(where: { $0.hasPrefix(prefix) }) else { return dict }
        var out = StateDict()
        out.extras = dict.extras
        for key in dict.keys {
            let stripped = key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key
            guard out[stripped] == nil else {
                throw WeightsError(.notAStateDict, path: path,
                                   "key '\(key)' collides with '\(stripped)' once the 'module.' prefix is removed")
            }
            out[stripped] = dict[key]
        }
        return out
    }
}

extension PickleValue {
    var isTensor: Bool {
        if case .tensor = self { return true }
        return false
    }
}

/// PickleValue → CheckpointValue for the entries beside the weights. Small tensors become
/// numbers (a 0-d tensor, or a short 1-d one, is how some scripts store `flops` or
/// accuracies); larger ones stay opaque and are never read. Depth and size are bounded so a
/// hostile pickle that shares one list many times cannot blow up.
struct ValueConverter {
    let archive: TorchArchive
    private var budget = 200_000
    static let maxDepth = 48
    static let maxTensorElements = 64
    static let maxArrayElements = 100_000

    init(archive: TorchArchive) { self.archive = archive }

    mutating func convert(_ value: PickleValue, depth: Int = 0) throws -> CheckpointValue {
        budget -= 1
        guard budget > 0, depth < ValueConverter.maxDepth else { return .opaque("…") }
        switch value {
        case .none: return .none
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .bigInt(n): return .opaque("int (\(n) bytes)")
        case let .float(d): return .double(d)
        case let .string(s): return .string(s)
        case let .bytes(b): return .opaque("bytes (\(b.count))")
        case let .tuple(items, _): return .list(try items.map { try convert($0, depth: depth + 1) })
        case let .list(l): return .list(try l.items.map { try convert($0, depth: depth + 1) })
        case let .dict(d):
            return .dict(try d.entries.map { ($0.key.shortDescription, try convert($0.value, depth: depth + 1)) })
        case let .global(m, n): return .opaque("\(m).\(n)")
        case let .object(o):
            guard o.className == NumpyValues.arrayClassName else { return .opaque(o.className) }
            return convertArray(o)
        case .storage: return .opaque("torch.Storage")
        case let .tensor(ref): return try convertTensor(ref)
        }
    }

    /// numpy arrays of up to two dimensions become (nested) lists of numbers.
    private func convertArray(_ o: PickleObject) -> CheckpointValue {
        guard let (shape, values) = NumpyValues.array(o) else { return .opaque(o.className) }
        guard shape.count <= 2, values.count <= ValueConverter.maxArrayElements else {
            return .opaque("numpy.ndarray(shape: \(shape))")
        }
        func scalar(_ v: PickleValue) -> CheckpointValue {
            switch v {
            case let .int(i): return .int(i)
            case let .float(d): return .double(d)
            case let .bool(b): return .bool(b)
            default: return .opaque(v.typeName)
            }
        }
        switch shape.count {
        case 0: return values.first.map(scalar) ?? .opaque(o.className)
        case 1: return .list(values.map(scalar))
        default:
            let width = shape[1]
            return .list((0..<shape[0]).map { r in .list(values[(r * width)..<((r + 1) * width)].map(scalar)) })
        }
    }

    private func convertTensor(_ ref: TensorRef) throws -> CheckpointValue {
        let label = "torch.Tensor(shape: \(ref.sizes), dtype: \(ref.elementType?.rawValue ?? ref.dtypeName))"
        guard ref.sizes.count <= 1, ref.elementCount <= ValueConverter.maxTensorElements,
              let type = ref.elementType else { return .opaque(label) }
        let t = try archive.materialize(ref, key: label)
        // Integers pass through Float32, so they are exact only below 2^24.
        let items: [CheckpointValue] = t.scalars.map {
            if type == .bool { return .bool($0 != 0) }
            if !type.isFloatingPoint, let i = Int(exactly: $0) { return .int(i) }
            return .double(Double($0))
        }
        return ref.sizes.isEmpty ? items[0] : .list(items)
    }
}
