/// The callables a `torch.save` stream may REDUCE that this reader understands, by name.
/// Each is re-implemented as pure data handling (what the Python function would build),
/// never looked up or run. Everything else becomes an opaque object that keeps its class
/// name, so `argparse.Namespace`, optimizer classes or `torch.device` load as values to
/// display and nothing more.
///
/// Torch side of the format: torch/serialization.py (`_save`, `persistent_id`),
/// torch/_utils.py (`_rebuild_tensor_v2`, `_rebuild_tensor_v3`, `_rebuild_parameter`),
/// torch/_tensor.py (`__reduce_ex__`, `_rebuild_from_type_v2`).
enum TorchGlobals {
    static func reduce(_ callable: PickleValue, _ args: [PickleValue], nesting: Int = 0) throws -> PickleValue {
        guard case let .global(module, name) = callable else {
            // Calling the result of a previous call (rare): keep it opaque.
            return .object(PickleObject(className: callable.typeName, arguments: args))
        }
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .tensor(try rebuildTensor(args, dtypeArgument: nil))
        case ("torch._utils", "_rebuild_tensor_v3"):
            guard args.count >= 7 else { throw PickleError("_rebuild_tensor_v3 takes 7 arguments, got \(args.count)") }
            return .tensor(try rebuildTensor(args, dtypeArgument: args[6]))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            // (data, requires_grad, backward_hooks[, state]): the parameter is its data.
            guard let data = args.first else { throw PickleError("\(name) without arguments") }
            return data
        case ("torch._tensor", "_rebuild_from_type_v2"):
            // (func, new_type, args, state): a tensor with Python attributes or a subclass;
            // rebuild the plain tensor and drop the type and attributes.
            guard args.count >= 3, case let .tuple(inner, _) = args[2], nesting < 4 else {
                throw PickleError("_rebuild_from_type_v2 expects (func, type, args, state)")
            }
            return try reduce(args[0], inner, nesting: nesting + 1)
        case ("collections", "OrderedDict"), ("builtins", "dict"), ("__builtin__", "dict"),
             ("collections", "defaultdict"):
            let d = PickleDict()
            // OrderedDict(pairs) form; defaultdict's first argument is its factory.
            if name != "defaultdict", let first = args.first, let pairs = sequenceItems(first) {
                for pair in pairs {
                    if case let .tuple(kv, _) = pair, kv.count == 2 { d.set(kv[0], kv[1]) }
                }
            }
            return .dict(d)
        case ("torch", "Size"), ("builtins", "list"), ("builtins", "set"), ("builtins", "frozenset"),
             ("builtins", "tuple"):
            let items = args.first.flatMap(sequenceItems) ?? []
            return name == "Size" || name == "tuple" ? .tuple(items) : .list(PickleList(items))
        case ("_codecs", "encode"):
            // How protocol 2 pickles bytes: _codecs.encode(str, 'latin1').
            if args.count == 2, case let .string(text) = args[0], case let .string(encoding) = args[1],
               encoding == "latin1" || encoding == "latin-1" {
                var bytes: [UInt8] = []
                for scalar in text.unicodeScalars {
                    guard scalar.value <= 0xFF else { return opaque(module, name, args) }
                    bytes.append(UInt8(scalar.value))
                }
                return .bytes(bytes)
            }
            return opaque(module, name, args)
        case ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"):
            return NumpyValues.scalar(args) ?? opaque(module, name, args)
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
            // An ndarray: shape, dtype and bytes arrive with the BUILD that follows.
            return .object(PickleObject(className: NumpyValues.arrayClassName, arguments: args))
        default:
            return opaque(module, name, args)
        }
    }

    static func newObject(_ cls: PickleValue, _ args: [PickleValue]) -> PickleValue {
        if case let .global(module, name) = cls {
            switch (module, name) {
            case ("collections", "OrderedDict"), ("builtins", "dict"), ("collections", "defaultdict"):
                return .dict(PickleDict())
            default:
                return opaque(module, name, args)
            }
        }
        return .object(PickleObject(className: cls.typeName, arguments: args))
    }

    /// BUILD: sets an opaque object's state; on anything else (an OrderedDict's
    /// `_metadata`, a tensor's attributes) the state is dropped.
    static func build(_ target: PickleValue, state: PickleValue) {
        if case let .object(o) = target { o.state = state }
    }

    private static func opaque(_ module: String, _ name: String, _ args: [PickleValue]) -> PickleValue {
        .object(PickleObject(className: "\(module).\(name)", arguments: args))
    }

    private static func sequenceItems(_ v: PickleValue) -> [PickleValue]? {
        switch v {
        case let .tuple(items, _): return items
        case let .list(l): return l.items
        default: return nil
        }
    }

    // MARK: - Storages and tensors

    /// BINPERSID: `('storage', storage_type, key, location, numel)` as written by
    /// torch/serialization.py `_save.persistent_id`.
    static func persistentLoad(_ pid: PickleValue) throws -> PickleValue {
        guard case let .tuple(items, _) = pid, items.count == 5, case .string("storage") = items[0] else {
            throw PickleError("unsupported persistent id \(pid.shortDescription) (expected a torch storage)")
        }
        guard case let .global(module, typeName) = items[1] else {
            throw PickleError("storage type is \(items[1].typeName), expected a torch storage class")
        }
        guard case let .string(key) = items[2] else { throw PickleError("storage key is \(items[2].typeName), expected str") }
        let location: String
        if case let .string(l) = items[3] { location = l } else { location = items[3].shortDescription }
        guard case let .int(count) = items[4], count >= 0 else {
            throw PickleError("storage '\(key)' has size \(items[4].shortDescription)", kind: .invalidTensor)
        }
        let untyped = typeName == "UntypedStorage"
        return .storage(StorageRef(typeName: "\(module).\(typeName)",
                                   elementType: untyped ? nil : CheckpointDType(torchStorageClass: typeName),
                                   isUntyped: untyped, key: key, location: location, declaredCount: count))
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
    /// backward_hooks[, metadata])`; v3 adds the dtype as the 7th argument.
    private static func rebuildTensor(_ args: [PickleValue], dtypeArgument: PickleValue?) throws -> TensorRef {
        guard args.count >= 4 else { throw PickleError("tensor rebuild takes at least 4 arguments, got \(args.count)") }
        guard case let .storage(storage) = args[0] else {
            throw PickleError("tensor storage is \(args[0].typeName), expected a persistent storage")
        }
        guard case let .int(offset) = args[1], offset >= 0 else {
            throw PickleError("tensor storage offset is \(args[1].shortDescription)", kind: .invalidTensor)
        }
        func naturals(_ v: PickleValue, _ what: String) throws -> [Int] {
            guard case let .tuple(items, _) = v else { throw PickleError("tensor \(what) is \(v.typeName), expected a tuple") }
            return try items.map {
                guard case let .int(n) = $0, n >= 0 else {
                    throw PickleError("tensor \(what) \(v.shortDescription) holds a negative or non-integer value",
                                      kind: .invalidTensor)
                }
                return n
            }
        }
        let sizes = try naturals(args[2], "size")
        let strides = try naturals(args[3], "stride")
        guard sizes.count == strides.count else {
            throw PickleError("tensor size \(sizes) and stride \(strides) differ in rank", kind: .invalidTensor)
        }
        var count = 1
        for s in sizes {
            let (p, overflow) = count.multipliedReportingOverflow(by: s)
            guard !overflow else { throw PickleError("tensor size \(sizes) overflows", kind: .invalidTensor) }
            count = p
        }

        let elementType: CheckpointDType?
        let dtypeName: String
        if let dtypeArgument {
            guard case let .global(module, name) = dtypeArgument, module == "torch" else {
                throw PickleError("tensor dtype is \(dtypeArgument.typeName), expected a torch dtype")
            }
            elementType = CheckpointDType(torchDtype: name)
            dtypeName = "torch.\(name)"
        } else {
            guard !storage.isUntyped else {
                throw PickleError("_rebuild_tensor_v2 on an untyped storage has no dtype")
            }
            elementType = storage.elementType
            dtypeName = storage.typeName
        }
        return TensorRef(storage: storage, elementType: elementType, dtypeName: dtypeName,
                         storageOffset: offset, sizes: sizes, strides: strides, elementCount: count)
    }
}
