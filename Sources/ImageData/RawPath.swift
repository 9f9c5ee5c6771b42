#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system path kept as the raw bytes the OS gave us. Linux file names are byte strings,
/// not necessarily UTF-8 (ImageNet copies made on old systems contain Latin-1 names); a Swift
/// `String` would replace the invalid bytes and the file could no longer be opened. Sorting is
/// byte-wise, which for valid UTF-8 equals Python's `sorted()` on `str` (code-point order), the
/// order torchvision's ImageFolder uses.
public struct RawPath: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// `self/component` (no separator is added when `self` is empty or already ends with "/").
    public func appending(_ component: RawPath) -> RawPath {
        if bytes.isEmpty { return component }
        if bytes.last == UInt8(ascii: "/") { return RawPath(bytes: bytes + component.bytes) }
        return RawPath(bytes: bytes + [UInt8(ascii: "/")] + component.bytes)
    }

    public func appending(_ component: String) -> RawPath { appending(RawPath(component)) }

    /// The last path component.
    public var lastComponent: RawPath {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        var start = end
        while start > bytes.startIndex, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
        return RawPath(bytes: Array(bytes[start..<end]))
    }

    /// The path as a String when its bytes are valid UTF-8, else nil.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    public var isValidUTF8: Bool { string != nil }

    /// Lower-cased extension (after the last "."), ASCII only; "" when there is none.
    public var lowercasedExtension: String {
        let name = lastComponent.bytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex else { return "" }
        let ext = name[(dot + 1)...].map { b -> UInt8 in
            (b >= 0x41 && b <= 0x5A) ? b + 32 : b
        }
        return String(decoding: ext, as: UTF8.self)
    }

    /// Hidden in the Unix sense: the name starts with ".".
    public var isHidden: Bool { lastComponent.bytes.first == UInt8(ascii: ".") }

    /// One-line printable form: valid UTF-8 is kept, every invalid byte and every control
    /// character is written as `\xNN`, and a backslash as `\\`, so the text maps back to the bytes.
    public var description: String {
        var out = ""
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 || b == 0x7F {
                    out += RawPath.hexEscape(b)
                } else if b == UInt8(ascii: "\\") {
                    out += "\\\\"
                } else {
                    out.unicodeScalars.append(Unicode.Scalar(b))
                }
                i += 1
                continue
            }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if length > 1, i + length <= bytes.endIndex,
               let s = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += s
                i += length
            } else {
                out += RawPath.hexEscape(b)
                i += 1
            }
        }
        return out
    }

    private static func hexEscape(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }

    /// Calls `body` with a NUL-terminated copy of the path for the C file APIs.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var buffer = bytes.map { CChar(bitPattern: $0) }
        buffer.append(0)
        return try buffer.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    public static func < (a: RawPath, b: RawPath) -> Bool {
        a.bytes.lexicographicallyPrecedes(b.bytes)
    }
}
