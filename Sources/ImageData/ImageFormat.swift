/// The container format, decided from the file's first bytes and never from its name:
/// ImageNet's training set has a PNG named `.JPEG` and CMYK files named like the rest.
public enum ImageFormat: String, Codable, Sendable {
    case jpeg
    case png

    /// Formats recognised by their signature but not decoded here (Pillow would open some of
    /// them); naming them makes the skip message useful.
    static let knownUnsupported: [(name: String, magic: [UInt8])] = [
        ("GIF", Array("GIF8".utf8)),
        ("BMP", Array("BM".utf8)),
        ("TIFF", [0x49, 0x49, 0x2A, 0x00]),
        ("TIFF", [0x4D, 0x4D, 0x00, 0x2A]),
        ("JPEG 2000", [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]),
        ("PPM/PGM", Array("P6".utf8)),
        ("PPM/PGM", Array("P5".utf8)),
    ]

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Sniffs the format; throws `unknownFormat` / `unsupported` / `emptyFile` otherwise.
    public static func detect(_ bytes: [UInt8]) throws -> ImageFormat {
        if bytes.isEmpty { throw ImageError(.emptyFile, "file is empty (0 bytes)") }
        // JPEG: SOI followed by the start of a marker (Pillow's _accept checks FF D8 FF).
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count < 3, bytes[0] == 0xFF, bytes.count == 1 || bytes[1] == 0xD8 {
            throw ImageError(.truncated, "truncated JPEG: file ends inside the start-of-image marker")
        }
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.count < pngSignature.count, pngSignature.starts(with: bytes) {
            throw ImageError(.truncated, "truncated PNG: file ends inside the signature (\(bytes.count) bytes)")
        }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            throw ImageError(.unsupported, "WebP images are not supported (only JPEG and PNG)")
        }
        for (name, magic) in knownUnsupported where bytes.starts(with: magic) {
            throw ImageError(.unsupported, "\(name) images are not supported (only JPEG and PNG)")
        }
        let head = bytes.prefix(8).map { b -> String in
            let digits = Array("0123456789abcdef")
            return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
        }.joined(separator: " ")
        throw ImageError(.unknownFormat, "not a JPEG or PNG file (first bytes: \(head))")
    }
}
