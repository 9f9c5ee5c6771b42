#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that cannot be read while hashing it. Worded like the checkpoint readers' errors
/// (`path: message (at byte N)`), since the file hashed is usually the checkpoint just loaded.
public struct DigestError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let message: String
    /// Bytes already read when the read failed.
    public let offset: Int?

    public init(path: String, _ message: String, offset: Int? = nil) {
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String {
        var text = "\(path): \(message)"
        if let offset { text += " (at byte \(offset))" }
        return text
    }
}

func systemErrorText() -> String {
    String(cString: strerror(errno))
}
