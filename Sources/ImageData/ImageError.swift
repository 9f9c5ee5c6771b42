/// Why an image could not be used. Every bad input file maps to one of these, is recorded as a
/// skipped image with a one-line message, and the run goes on.
public enum SkipReason: String, Codable, CaseIterable, Sendable, Comparable {
    case emptyFile = "empty-file"
    case truncated
    case corrupt
    case unknownFormat = "unknown-format"
    case unsupported
    case tooManyPixels = "too-many-pixels"
    case unreadable
    case notAFile = "not-a-file"
    case symlinkLoop = "symlink-loop"

    public static func < (a: SkipReason, b: SkipReason) -> Bool { a.rawValue < b.rawValue }
}

/// A decode (or file-read) failure: a category for the summary and a one-line message that
/// names the format and what was wrong.
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: SkipReason
    public let message: String

    public init(_ reason: SkipReason, _ message: String) {
        self.reason = reason
        // One line, whatever the C library gave us.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}

/// Limits applied before any pixel is decoded.
public struct DecodeLimits: Codable, Equatable, Sendable {
    /// Pillow's `Image.MAX_IMAGE_PIXELS` (a 1024×1024×1024 / 4 / 3 byte budget). Pillow only
    /// warns between 1× and 2× this value; here anything above it is skipped.
    public static let pillowMaxImagePixels = 89_478_485

    /// Images with width × height above this are refused from their header (decompression-bomb
    /// guard). nil disables the check.
    public var maxPixels: Int?

    public init(maxPixels: Int? = DecodeLimits.pillowMaxImagePixels) {
        self.maxPixels = maxPixels
    }

    public static let `default` = DecodeLimits()

    func check(width: Int, height: Int, format: String) throws {
        if let limit = maxPixels, width * height > limit {
            throw ImageError(.tooManyPixels,
                             "\(format) header says \(width)x\(height) = \(width * height) pixels, over the limit of \(limit)")
        }
    }
}
