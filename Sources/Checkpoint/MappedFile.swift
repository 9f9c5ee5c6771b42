#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Checkpoints are read through the map so that a
/// 100 MB file costs no read() copy and only the bytes actually used are paged in.
final class MappedFile {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw WeightsError(.io, path: path, "cannot open: \(systemErrorText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw WeightsError(.io, path: path, "cannot stat: \(systemErrorText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw WeightsError(.io, path: path, "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw WeightsError(.io, path: path, "cannot memory-map \(size) bytes: \(systemErrorText())")
        }
        mapping = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    /// An in-memory stand-in with the same interface (tests feed mutated bytes through the
    /// readers without touching the disk).
    init(copying data: [UInt8], path: String) {
        self.path = path
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 64)
        data.withUnsafeBytes { if let src = $0.baseAddress { p.copyMemory(from: src, byteCount: data.count) } }
        mapping = p
        isHeapCopy = true
        bytes = UnsafeRawBufferPointer(start: p, count: data.count)
    }

    private var isHeapCopy = false

    deinit {
        guard let mapping else { return }
        if isHeapCopy {
            mapping.deallocate()
        } else {
            munmap(mapping, bytes.count)
        }
    }

    var count: Int { bytes.count }
}

func systemErrorText() -> String {
    String(cString: strerror(errno))
}

/// Bounds-checked little-endian reads from a byte buffer. Every read that would leave the
/// buffer throws `truncated` with the offset it tried, so parsers stay free of traps.
struct ByteView {
    let bytes: UnsafeRawBufferPointer
    let path: String
    /// Added to offsets in error messages (an entry's position inside the whole file).
    let baseOffset: Int
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, path: String, baseOffset: Int = 0, what: String = "file") {
        self.bytes = bytes
        self.path = path
        self.baseOffset = baseOffset
        self.what = what
    }

    var count: Int { bytes.count }

    func require(_ offset: Int, _ length: Int, _ context: @autoclosure () -> String) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw WeightsError(.truncated, path: path,
                               "\(what) ends before \(context()) (needs \(length) bytes at offset "
                               + "\(offset), \(what) has \(bytes.count))",
                               offset: baseOffset + max(0, min(offset, bytes.count)))
        }
    }

    func u8(_ offset: Int, _ context: @autoclosure () -> String) throws -> UInt8 {
        try require(offset, 1, context())
        return bytes[offset]
    }

    func u16(_ offset: Int, _ context: @autoclosure () -> String) throws -> UInt16 {
        try require(offset, 2, context())
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(_ offset: Int, _ context: @autoclosure () -> String) throws -> UInt32 {
        try require(offset, 4, context())
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(_ offset: Int, _ context: @autoclosure () -> String) throws -> UInt64 {
        try require(offset, 8, context())
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    func slice(_ offset: Int, _ length: Int, _ context: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        try require(offset, length, context())
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
    }
}
