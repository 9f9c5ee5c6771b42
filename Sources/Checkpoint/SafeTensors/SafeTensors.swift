import Common
import Tensor

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of JSON, then the tensor data. Each header entry names a dtype, a shape and a
/// [begin, end) byte range relative to the data start; the ranges must tile the data
/// exactly, in offset order, as the reference implementation requires
/// (safetensors/src/tensor.rs, `Metadata::validate` and `read_metadata`).
public enum SafeTensors {
    /// The reference implementation refuses headers above 100 MB.
    public static let maxHeaderLength = 100_000_000

    public struct Entry: Sendable, Equatable {
        public let name: String
        /// The dtype as written in the header (`"F32"`, `"BF16"`, …).
        public let dtype: String
        public let shape: [Int]
        /// Byte range relative to the start of the data section.
        public let dataOffsets: Range<Int>
        /// nil for dtypes the reference knows but this package cannot convert (FP8, …).
        public var elementType: CheckpointDType? { CheckpointDType(safetensorsName: dtype) }
    }

    public struct Header: Sendable {
        /// N, the JSON length (including the reference writer's space padding).
        public let headerLength: Int
        /// Absolute offset of the first data byte: 8 + N.
        public var dataStart: Int { 8 + headerLength }
        /// `__metadata__` (string → string).
        public let metadata: [String: String]
        /// Tensor entries in data-offset order (the order the data is laid out in).
        public let entries: [Entry]
    }

    /// A tensor's bytes exactly as stored (little-endian), for dtypes the caller wants raw
    /// (e.g. U8 masks) or that have no Float32 conversion.
    public struct RawTensor: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        public let bytes: [UInt8]
    }

    /// Bits per element for every dtype the reference implementation knows.
    static let dtypeBits: [String: Int] = [
        "BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8,
        "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
        "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32,
        "C64": 64, "F64": 64, "I64": 64, "U64": 64,
    ]

    /// Reads every tensor, converted to Float32, in data-offset order. `__metadata__`
    /// entries become `extras` as `.string`.
    public static func read(path: String) throws -> StateDict {
        try read(file: try MappedFile(path: path))
    }

    static func read(file: MappedFile, header: Header) throws -> StateDict {
        let path = file.path
        var dict = StateDict()
        for entry in header.entries {
            guard let type = entry.elementType else {
                throw WeightsError(.unsupportedDtype(entry.dtype), path: path,
                                   "tensor '\(entry.name)' has dtype \(entry.dtype), which has no Float32 "
                                   + "conversion here; re-save it as F32, F16 or BF16",
                                   offset: header.dataStart + entry.dataOffsets.lowerBound)
            }
            let count = entry.dataOffsets.count / type.byteSize
            let src = file.bytes.baseAddress.map { UnsafeRawPointer($0) + header.dataStart + entry.dataOffsets.lowerBound }
            let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0, let src, let dst = buffer.baseAddress {
                    convertToFloat(type, from: src, count: count, to: dst, swapBytes: hostIsBigEndian)
                }
                initialized = count
            }
            dict[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
        }
        for (k, v) in header.metadata { dict.extras[k] = .string(v) }
        return dict
    }

    /// Reads the header only (validated against the file size), without converting data.
    public static func readHeader(path: String) throws -> Header {
        try parseHeader(try MappedFile(path: path))
    }

    /// Every tensor's bytes as stored, keyed by name, for any byte-aligned dtype.
    public static func readRaw(path: String) throws -> [String: RawTensor] {
        let file = try MappedFile(path: path)
        return try withExtendedLifetime(file) {
            let header = try parseHeader(file)
            var out: [String: RawTensor] = [:]
            for entry in header.entries {
                let start = header.dataStart + entry.dataOffsets.lowerBound
                let bytes = Array(file.bytes[start..<(start + entry.dataOffsets.count)])
                out[entry.name] = RawTensor(dtype: entry.dtype, shape: entry.shape, bytes: bytes)
            }
            return out
        }
    }

    // MARK: - Header parsing and validation

    static func parseHeader(_ file: MappedFile) throws -> Header {
        let path = file.path
        let size = file.count
        guard size >= 8 else {
            throw WeightsError(.truncated, path: path,
                               "file is \(size) bytes; a safetensors file starts with an 8-byte header length",
                               offset: size)
        }
        let n = UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard n <= UInt64(maxHeaderLength) else {
            throw WeightsError(.malformedHeader, path: path,
                               "header length \(n) exceeds the 100 MB limit of the safetensors format "
                               + "(is this a safetensors file?)", offset: 0)
        }
        let headerLength = Int(n)
        guard headerLength <= size - 8 else {
            throw WeightsError(.truncated, path: path,
                               "header length \(headerLength) runs past the end of the file "
                               + "(\(size) bytes; the header would end at byte \(8 + headerLength))",
                               offset: 0)
        }
        let json: JSONValue
        let memberOffsets: [Int]
        do {
            (json, memberOffsets) = try JSONParser.parseRecordingOffsets(
                UnsafeRawBufferPointer(rebasing: file.bytes[8..<(8 + headerLength)]))
        } catch let e as JSONSyntaxError {
            throw WeightsError(.malformedHeader, path: path, "header is not valid JSON: \(e.message)",
                               offset: 8 + e.offset)
        }
        guard case let .object(members) = json else {
            throw WeightsError(.malformedHeader, path: path,
                               "header JSON is \(json.typeName), expected an object", offset: 8)
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (i, (name, value)) in members.enumerated() {
            let at = 8 + memberOffsets[i]
            if name == "__metadata__" {
                metadata = try parseMetadata(value, path: path, at: at)
                continue
            }
            entries.append(try parseEntry(name, value, path: path, at: at))
        }
        let dataStart = 8 + headerLength
        try validateLayout(&entries, dataLength: size - dataStart, dataStart: dataStart, path: path)
        return Header(headerLength: headerLength, metadata: metadata, entries: entries)
    }

    private static func parseMetadata(_ value: JSONValue, path: String, at: Int) throws -> [String: String] {
        guard case let .object(items) = value else {
            throw WeightsError(.malformedHeader, path: path,
                               "__metadata__ is \(value.typeName), expected an object of strings", offset: at)
        }
        var out: [String: String] = [:]
        for (k, v) in items {
            guard case let .string(s) = v else {
                throw WeightsError(.malformedHeader, path: path,
                                   "__metadata__ entry '\(k)' is \(v.typeName), expected a string", offset: at)
            }
            out[k] = s
        }
        return out
    }

    /// `at`: file offset of the entry's JSON value, for error messages.
    private static func parseEntry(_ name: String, _ value: JSONValue, path: String, at: Int) throws -> Entry {
        func fail(_ what: String) -> WeightsError {
            WeightsError(.malformedHeader, path: path, "tensor '\(name)': \(what)", offset: at)
        }
        guard case let .object(fields) = value else { throw fail("entry is \(value.typeName), expected an object") }
        func field(_ key: String) throws -> JSONValue {
            guard let v = fields.first(where: { $0.key == key })?.value else { throw fail("missing field '\(key)'") }
            return v
        }
        guard case let .string(dtype) = try field("dtype") else { throw fail("'dtype' is not a string") }
        guard dtypeBits[dtype] != nil else {
            throw WeightsError(.unsupportedDtype(dtype), path: path,
                               "tensor '\(name)' has unknown dtype '\(dtype)'", offset: at)
        }
        func naturals(_ key: String) throws -> [Int] {
            guard case let .array(items) = try field(key) else { throw fail("'\(key)' is not an array") }
            return try items.map {
                guard case let .int(v) = $0, v >= 0 else { throw fail("'\(key)' holds \($0), expected non-negative integers") }
                return v
            }
        }
        let shape = try naturals("shape")
        var bits = dtypeBits[dtype] ?? 8
        for d in shape {
            let (p, overflow) = bits.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail("shape \(shape) of \(dtype) overflows") }
            bits = p
        }
        let offsets = try naturals("data_offsets")
        guard offsets.count == 2 else { throw fail("'data_offsets' has \(offsets.count) numbers, expected 2") }
        guard offsets[0] <= offsets[1] else {
            throw WeightsError(.invalidOffsets, path: path,
                               "tensor '\(name)': data_offsets [\(offsets[0]), \(offsets[1])] end before they begin",
                               offset: at)
        }
        return Entry(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    private static func validateLayout(_ entries: inout [Entry], dataLength: Int, dataStart: Int,
                                       path: String) throws {
        entries.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        var cursor = 0
        var previous: String?
        for e in entries {
            let r = e.dataOffsets
            if r.lowerBound < cursor {
                throw WeightsError(.invalidOffsets, path: path,
                                   "tensor '\(e.name)' data [\(r.lowerBound), \(r.upperBound)) overlaps "
                                   + "'\(previous ?? "")', which ends at \(cursor)",
                                   offset: dataStart + r.lowerBound)
            }
            if r.lowerBound > cursor {
                throw WeightsError(.invalidOffsets, path: path,
                                   "gap of \(r.lowerBound - cursor) bytes before tensor '\(e.name)' "
                                   + "(data must be packed in offset order)", offset: dataStart + cursor)
            }
            // parseEntry has checked that this product does not overflow.
            let totalBits = e.shape.reduce(SafeTensors.dtypeBits[e.dtype] ?? 8, *)
            guard totalBits % 8 == 0 else {
                throw WeightsError(.invalidOffsets, path: path,
                                   "tensor '\(e.name)' shape \(e.shape) of \(e.dtype) is not a whole number of bytes",
                                   offset: dataStart + r.lowerBound)
            }
            guard totalBits / 8 == r.count else {
                throw WeightsError(.invalidOffsets, path: path,
                                   "tensor '\(e.name)' has \(r.count) bytes of data but shape \(e.shape) "
                                   + "of \(e.dtype) needs \(totalBits / 8)", offset: dataStart + r.lowerBound)
            }
            if r.upperBound > dataLength {
                throw WeightsError(.truncated, path: path,
                                   "tensor '\(e.name)' data ends at byte \(dataStart + r.upperBound) "
                                   + "but the file has only \(dataStart + dataLength) bytes",
                                   offset: dataStart + min(r.lowerBound, dataLength))
            }
            cursor = r.upperBound
            previous = e.name
        }
        if cursor != dataLength {
            throw WeightsError(.invalidOffsets, path: path,
                               "\(dataLength - cursor) trailing bytes after the last tensor "
                               + "(the header does not cover the whole file)", offset: dataStart + cursor)
        }
    }
}
