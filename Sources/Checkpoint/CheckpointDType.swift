/// The element types a checkpoint may store and this package converts to Float32.
/// Floating types round to nearest-even like `tensor.float()` in PyTorch; integers convert
/// exactly up to 2^24 and round beyond; booleans become 0 / 1.
public enum CheckpointDType: String, Sendable, CaseIterable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8, uint8, bool
    case uint16, uint32, uint64

    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float64, .float32, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// The dtype name used in safetensors headers.
    public var safetensorsName: String {
        switch self {
        case .float64: return "F64"
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        case .uint16: return "U16"
        case .uint32: return "U32"
        case .uint64: return "U64"
        }
    }

    public init?(safetensorsName: String) {
        guard let t = CheckpointDType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else {
            return nil
        }
        self = t
    }

    /// The legacy typed-storage class of `torch.save` (`torch.FloatStorage`, …).
    init?(torchStorageClass name: String) {
        switch name {
        case "DoubleStorage": self = .float64
        case "FloatStorage": self = .float32
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage": self = .uint8
        case "BoolStorage": self = .bool
        default: return nil
        }
    }

    /// A `torch.<dtype>` global, as `_rebuild_tensor_v3` receives it.
    init?(torchDtype name: String) {
        switch name {
        case "float64", "double": self = .float64
        case "float32", "float": self = .float32
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "int64", "long": self = .int64
        case "int32", "int": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "bool": self = .bool
        case "uint16": self = .uint16
        case "uint32": self = .uint32
        case "uint64": self = .uint64
        default: return nil
        }
    }
}

/// Whether data stored little-endian (safetensors, most .pth files) needs swapping here.
#if _endian(big)
let hostIsBigEndian = true
#else
let hostIsBigEndian = false
#endif

/// Converts `count` elements stored contiguously at `src` to Float32 at `dst`.
/// `swapBytes` handles big-endian storages (a `torch.save` from a big-endian host).
func convertToFloat(_ type: CheckpointDType, from src: UnsafeRawPointer, count: Int,
                    to dst: UnsafeMutablePointer<Float>, swapBytes: Bool = false) {
    if count == 0 { return }
    if type == .float32 && !swapBytes {
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
        return
    }
    @inline(__always) func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
        let v = src.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
        return swapBytes ? v.byteSwapped : v
    }
    switch type {
    case .float32:
        for i in 0..<count { dst[i] = Float(bitPattern: load(i, UInt32.self)) }
    case .float64:
        for i in 0..<count { dst[i] = Float(Double(bitPattern: load(i, UInt64.self))) }
    case .float16:
        for i in 0..<count { dst[i] = halfToFloat(load(i, UInt16.self)) }
    case .bfloat16:
        for i in 0..<count { dst[i] = Float(bitPattern: UInt32(load(i, UInt16.self)) << 16) }
    case .int64:
        for i in 0..<count { dst[i] = Float(load(i, Int64.self)) }
    case .int32:
        for i in 0..<count { dst[i] = Float(load(i, Int32.self)) }
    case .int16:
        for i in 0..<count { dst[i] = Float(load(i, Int16.self)) }
    case .int8:
        for i in 0..<count { dst[i] = Float(load(i, Int8.self)) }
    case .uint8:
        for i in 0..<count { dst[i] = Float(load(i, UInt8.self)) }
    case .bool:
        for i in 0..<count { dst[i] = load(i, UInt8.self) != 0 ? 1 : 0 }
    case .uint16:
        for i in 0..<count { dst[i] = Float(load(i, UInt16.self)) }
    case .uint32:
        for i in 0..<count { dst[i] = Float(load(i, UInt32.self)) }
    case .uint64:
        for i in 0..<count { dst[i] = Float(load(i, UInt64.self)) }
    }
}

/// IEEE 754 binary16 → binary32, exact (every half is a float). NaN payloads keep their
/// bits, as in PyTorch's conversion.
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x03FF)
    if exponent == 0 {
        // Zero or subnormal: mantissa × 2^-24, exact in Float32.
        let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 0x1F {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// Copies a strided view (`sizes`, `strides`, `offset` in elements of `type`) of the storage
/// at `base` into a contiguous row-major Float32 array. The caller has checked that every
/// addressed element lies inside the storage.
func gatherToFloat(_ type: CheckpointDType, base: UnsafeRawPointer, offset: Int, sizes: [Int],
                   strides: [Int], swapBytes: Bool) -> [Float] {
    let count = sizes.reduce(1, *)
    if count == 0 { return [] }
    let elementSize = type.byteSize
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        let dst = buffer.baseAddress!
        if isContiguous(sizes: sizes, strides: strides) {
            convertToFloat(type, from: base + offset * elementSize, count: count, to: dst,
                           swapBytes: swapBytes)
            initialized = count
            return
        }
        // Walk the outer dimensions with an index counter; the innermost dimension is one
        // run (contiguous) or a strided loop.
        let rank = sizes.count
        let inner = sizes[rank - 1]
        let innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var written = 0
        var scratch: Float = 0
        while written < count {
            var start = offset
            for d in 0..<(rank - 1) { start += index[d] * strides[d] }
            if innerStride == 1 {
                convertToFloat(type, from: base + start * elementSize, count: inner,
                               to: dst + written, swapBytes: swapBytes)
            } else {
                for j in 0..<inner {
                    convertToFloat(type, from: base + (start + j * innerStride) * elementSize,
                                   count: 1, to: &scratch, swapBytes: swapBytes)
                    dst[written + j] = scratch
                }
            }
            written += inner
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < sizes[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        initialized = count
    }
}

/// Row-major contiguity, ignoring the strides of size-1 dimensions (PyTorch's rule).
func isContiguous(sizes: [Int], strides: [Int]) -> Bool {
    var expected = 1
    for d in stride(from: sizes.count - 1, through: 0, by: -1) where sizes[d] != 1 {
        if strides[d] != expected { return false }
        expected *= sizes[d]
    }
    return true
}
