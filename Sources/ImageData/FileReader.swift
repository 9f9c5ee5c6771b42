#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `read` inside FileReader would name the static method; this reaches the C function.
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buf, count)
}

/// Reads whole files for the decoders, turning every file-system problem into an `ImageError`
/// with a specific reason instead of a crash or a hang: a FIFO is refused from its `stat` (an
/// `open` would block waiting for a writer), a symlink loop is reported as such (ELOOP), a
/// dangling symlink and a directory where a file is expected are named.
public enum FileReader {
    public static func read(_ path: RawPath) throws -> [UInt8] {
        var st = stat()
        let rc = path.withCString { stat($0, &st) }
        if rc != 0 {
            let err = errno
            throw classify(errno: err, path: path)
        }
        try requireRegularFile(st)
        let fd = path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        if fd < 0 {
            let err = errno
            throw classify(errno: err, path: path)
        }
        defer { close(fd) }
        // The path may have been swapped between stat and open: check what we actually opened.
        var fst = stat()
        if fstat(fd, &fst) != 0 {
            throw ImageError(.unreadable, "cannot stat open file: \(errorText(errno))")
        }
        try requireRegularFile(fst)
        var size = Int(fst.st_size)
        if size == 0 { throw ImageError(.emptyFile, "file is empty (0 bytes)") }
        var data = [UInt8](repeating: 0, count: size)
        var filled = 0
        while true {
            if filled == data.count {
                // The file grew since fstat: keep reading in chunks until EOF.
                size = data.count * 2
                data.append(contentsOf: [UInt8](repeating: 0, count: size - data.count))
            }
            let n = data.withUnsafeMutableBytes { raw in
                systemRead(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if n < 0 {
                let err = errno
                if err == EINTR { continue }
                throw ImageError(.unreadable, "read failed: \(errorText(err))")
            }
            if n == 0 { break }
            filled += n
        }
        data.removeLast(data.count - filled)
        if data.isEmpty { throw ImageError(.emptyFile, "file is empty (0 bytes)") }
        return data
    }

    static func requireRegularFile(_ st: stat) throws {
        let type = st.st_mode & S_IFMT
        if type == S_IFREG { return }
        let what: String
        switch type {
        case S_IFDIR: what = "a directory"
        case S_IFIFO: what = "a FIFO (named pipe)"
        case S_IFSOCK: what = "a socket"
        case S_IFCHR: what = "a character device"
        case S_IFBLK: what = "a block device"
        default: what = "not a regular file"
        }
        throw ImageError(.notAFile, "expected an image file, found \(what)")
    }

    static func classify(errno err: Int32, path: RawPath) -> ImageError {
        switch err {
        case ELOOP:
            return ImageError(.symlinkLoop, "symlink loop (too many levels of symbolic links)")
        case ENOENT:
            var lst = stat()
            let isLink = path.withCString { lstat($0, &lst) } == 0 && (lst.st_mode & S_IFMT) == S_IFLNK
            return ImageError(.unreadable, isLink ? "dangling symlink (its target does not exist)"
                                                  : "file not found (removed after the folder was listed?)")
        case EACCES, EPERM:
            return ImageError(.unreadable, "permission denied")
        default:
            return ImageError(.unreadable, "cannot open: \(errorText(err))")
        }
    }

    static func errorText(_ err: Int32) -> String {
        guard let s = strerror(err) else { return "errno \(err)" }
        return String(cString: s)
    }
}
