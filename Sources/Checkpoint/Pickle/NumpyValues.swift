/// numpy numbers and small arrays stored beside the weights (accuracies, FLOPs lists, the
/// `budgeted_batch_classification` curves), decoded from their pickled form without numpy:
/// `numpy.core.multiarray.scalar(dtype, raw)` for scalars, and
/// `_reconstruct(ndarray, (0,), b'b')` + BUILD `(1, shape, dtype, is_fortran, raw)` for
/// arrays (numpy/_core/src/multiarray/methods.c, `array_reduce` / `array_setstate`).
/// The dtype object is `numpy.dtype(code, …)` whose BUILD state carries the byte order.
enum NumpyValues {
    static let arrayClassName = "numpy.ndarray"

    /// `numpy.float64(80.8)` and friends.
    static func scalar(_ args: [PickleValue]) -> PickleValue? {
        guard args.count == 2, case let .object(dtype) = args[0], let type = elementType(dtype),
              case let .bytes(raw) = args[1], raw.count == type.size else { return nil }
        return decode(type, raw)?.first
    }

    /// An ndarray's shape and values in row-major order, if its dtype is a plain number.
    static func array(_ object: PickleObject) -> (shape: [Int], values: [PickleValue])? {
        guard object.className == arrayClassName, case let .tuple(state, _)? = object.state, state.count == 5,
              case let .tuple(dims, _) = state[1], case let .object(dtype) = state[2],
              case let .bool(fortran) = state[3], case let .bytes(raw) = state[4],
              let type = elementType(dtype) else { return nil }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard case let .int(n) = d, n >= 0 else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { return nil }
            shape.append(n)
            count = p
        }
        guard raw.count == count * type.size, let flat = decode(type, raw) else { return nil }
        guard fortran, shape.count > 1 else { return (shape, flat) }
        // Column-major bytes: element (i0, …, ik) sits at Σ i_d · Π_{e<d} n_e.
        var values: [PickleValue] = []
        values.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            var at = 0, scale = 1
            for d in 0..<shape.count {
                at += index[d] * scale
                scale *= shape[d]
            }
            values.append(flat[at])
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return (shape, values)
    }

    private struct ElementType {
        let kind: Character // f, i, u, b
        let size: Int
        let bigEndian: Bool
    }

    private static func elementType(_ dtype: PickleObject) -> ElementType? {
        guard dtype.className == "numpy.dtype", case let .string(code)? = dtype.arguments.first,
              code.count == 2, let kind = code.first, "fiub".contains(kind),
              let size = Int(String(code.dropFirst())), [1, 2, 4, 8].contains(size) else { return nil }
        var bigEndian = false
        if case let .tuple(state, _)? = dtype.state, state.count > 1, case let .string(order) = state[1] {
            #if _endian(little)
            bigEndian = order == ">"
            #else
            bigEndian = order != "<"
            #endif
        }
        if kind == "f" && size == 1 { return nil }
        if kind == "b" && size != 1 { return nil }
        return ElementType(kind: kind, size: size, bigEndian: bigEndian)
    }

    private static func decode(_ type: ElementType, _ raw: [UInt8]) -> [PickleValue]? {
        let n = type.size
        var out: [PickleValue] = []
        out.reserveCapacity(raw.count / n)
        var i = 0
        while i + n <= raw.count {
            var v: UInt64 = 0
            if type.bigEndian {
                for k in 0..<n { v = v << 8 | UInt64(raw[i + k]) }
            } else {
                for k in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(raw[i + k]) }
            }
            switch (type.kind, n) {
            case ("f", 8): out.append(.float(Double(bitPattern: v)))
            case ("f", 4): out.append(.float(Double(Float(bitPattern: UInt32(v)))))
            case ("f", 2): out.append(.float(Double(halfToFloat(UInt16(v)))))
            case ("i", 8): out.append(.int(Int(Int64(bitPattern: v))))
            case ("i", 4): out.append(.int(Int(Int32(bitPattern: UInt32(v)))))
            case ("i", 2): out.append(.int(Int(Int16(bitPattern: UInt16(v)))))
            case ("i", 1): out.append(.int(Int(Int8(bitPattern: UInt8(v)))))
            case ("u", _): out.append(v <= UInt64(Int.max) ? .int(Int(v)) : .float(Double(v)))
            case ("b", 1): out.append(.bool(v != 0))
            default: return nil
            }
            i += n
        }
        return out
    }
}
