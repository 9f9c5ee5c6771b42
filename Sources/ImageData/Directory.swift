#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw directory listing and file-type checks for the dataset scanners. Names come back as
/// raw bytes (see `RawPath`); types follow symlinks, as torchvision's `os.walk(...,
/// followlinks=True)` and `entry.is_dir()` do.
enum Directory {
    enum Kind: Equatable {
        case directory(device: UInt64, inode: UInt64)
        case file
        case other          // FIFO, socket, device
        case broken(Int32)  // stat failed: errno (ELOOP for a symlink loop, ENOENT for a dangling link)
    }

    /// Entry names of `dir` (without "." and ".."), sorted byte-wise.
    static func names(_ dir: RawPath) throws -> [RawPath] {
        guard let handle = dir.withCString({ opendir($0) }) else {
            let err = errno
            throw DatasetError.unreadableDirectory(dir.description, FileReader.errorText(err))
        }
        defer { closedir(handle) }
        var names: [RawPath] = []
        while let entry = readdir(handle) {
            let bytes: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            names.append(RawPath(bytes: bytes))
        }
        return names.sorted()
    }

    static func kind(_ path: RawPath) -> Kind {
        var st = stat()
        if path.withCString({ stat($0, &st) }) != 0 { return .broken(errno) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// True when `path` itself is a symbolic link (lstat), whatever it points to.
    static func isSymlink(_ path: RawPath) -> Bool {
        var st = stat()
        guard path.withCString({ lstat($0, &st) }) == 0 else { return false }
        return st.st_mode & S_IFMT == S_IFLNK
    }

    /// The absolute path with every symlink, "." and ".." resolved (realpath(3)); nil when
    /// some component does not exist or cannot be read.
    static func resolved(_ path: RawPath) -> RawPath? {
        guard let real = path.withCString({ realpath($0, nil) }) else { return nil }
        defer { free(real) }
        var bytes: [UInt8] = []
        var p = real
        while p.pointee != 0 {
            bytes.append(UInt8(bitPattern: p.pointee))
            p += 1
        }
        return RawPath(bytes: bytes)
    }

    static func isDirectory(_ path: RawPath) -> Bool {
        if case .directory = kind(path) { return true }
        return false
    }
}
