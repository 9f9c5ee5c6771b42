import Common
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensor

extension SafeTensors {
    /// Writes `dict` as F32 safetensors, byte-for-byte as the reference implementation
    /// (safetensors/src/tensor.rs `prepare`) lays out an all-F32 dict: tensors sorted by name
    /// (byte order), compact JSON with `__metadata__` first (metadata keys sorted here, the
    /// reference's HashMap order is unspecified; omitted when empty), header padded with
    /// spaces to a multiple of 8. Written to a temporary file beside `path`, then renamed, so
    /// a reader never sees a half-written file. `dict.extras` are not written: pass what
    /// should survive as `metadata`.
    public static func write(_ dict: StateDict, metadata: [String: String] = [:], to path: String) throws {
        let names = dict.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        if names.contains("__metadata__") {
            throw WeightsError(.malformedHeader, path: path,
                               "a tensor may not be named '__metadata__' (reserved by the format)")
        }
        let header = headerBytes(names: names, dict: dict, metadata: metadata)

        let directory: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            directory = String(path[...slash])
            base = String(path[path.index(after: slash)...])
        } else {
            directory = ""
            base = path
        }
        let temporary = directory + ".\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw WeightsError(.io, path: path, "cannot create temporary file \(temporary): \(systemErrorText())")
        }
        var finished = false
        defer {
            if !finished {
                close(fd)
                unlink(temporary)
            }
        }
        func writeAll(_ p: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < p.count {
                let n = posixWrite(fd, p.baseAddress! + done, p.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WeightsError(.io, path: path, "write failed: \(systemErrorText())", offset: done)
                }
                done += n
            }
        }
        var lengthField = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &lengthField) { try writeAll($0) }
        try header.withUnsafeBytes { try writeAll($0) }
        for name in names {
            guard let tensor = dict[name], tensor.count > 0 else { continue }
            #if _endian(little)
            try tensor.scalars.withUnsafeBytes { try writeAll($0) }
            #else
            let swapped = tensor.scalars.map { $0.bitPattern.littleEndian }
            try swapped.withUnsafeBytes { try writeAll($0) }
            #endif
        }
        guard fsync(fd) == 0 else {
            throw WeightsError(.io, path: path, "fsync failed: \(systemErrorText())")
        }
        guard close(fd) == 0 else {
            unlink(temporary)
            finished = true
            throw WeightsError(.io, path: path, "close failed: \(systemErrorText())")
        }
        finished = true
        guard rename(temporary, path) == 0 else {
            let reason = systemErrorText()
            unlink(temporary)
            throw WeightsError(.io, path: path, "cannot rename \(temporary) into place: \(reason)")
        }
    }

    /// The padded JSON header for `names` (already in file order).
    static func headerBytes(names: [String], dict: StateDict, metadata: [String: String]) -> [UInt8] {
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            json += "\"__metadata__\":{"
                + keys.map { jsonQuoted($0) + ":" + jsonQuoted(metadata[$0]!) }.joined(separator: ",") + "}"
            first = false
        }
        var offset = 0
        for name in names {
            let tensor = dict[name]!
            let end = offset + tensor.count * 4
            if !first { json += "," }
            first = false
            json += jsonQuoted(name) + ":{\"dtype\":\"F32\",\"shape\":["
                + tensor.shape.map(String.init).joined(separator: ",")
                + "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"
        var bytes = Array(json.utf8)
        let padded = (bytes.count + 7) / 8 * 8
        bytes.append(contentsOf: [UInt8](repeating: 0x20, count: padded - bytes.count))
        return bytes
    }
}

// `write` is shadowed inside the extension by `SafeTensors.write`; name the syscall.
@inline(__always)
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buf, count)
    #else
    return Darwin.write(fd, buf, count)
    #endif
}
