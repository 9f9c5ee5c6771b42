/// The frame header of a JPEG file, read by walking its marker segments up to the first scan,
/// before TurboJPEG sees the data: the pixel-limit guard needs the dimensions first, and
/// TurboJPEG 2.1's own header call refuses images whose sampling factors it cannot name even
/// though it decodes them.
struct JPEGHeader {
    var width: Int
    var height: Int
    var components: Int
    var precision: Int
    var progressive: Bool
    /// Offset of the first start-of-scan marker (entropy-coded data follows it).
    var firstScanOffset: Int

    /// Parses markers from SOI to the first SOS the way libjpeg's marker reader does: bytes
    /// that are not a marker are skipped (libjpeg warns and goes on, and so does Pillow).
    static func parse(_ d: [UInt8]) throws -> JPEGHeader {
        var frame: (width: Int, height: Int, components: Int, precision: Int, progressive: Bool)?
        var i = 2  // after SOI
        let n = d.count
        while true {
            // Find the next 0xFF, then skip fill bytes.
            while i < n, d[i] != 0xFF { i += 1 }
            while i < n, d[i] == 0xFF { i += 1 }
            guard i < n else {
                throw ImageError(.truncated, "truncated JPEG: file ends in the headers, before the image data")
            }
            let marker = d[i]
            i += 1
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue  // standalone markers carry no length
            case 0xD8:
                throw ImageError(.corrupt, "corrupt JPEG: second start-of-image marker in the headers")
            case 0xD9:
                throw ImageError(.corrupt, "corrupt JPEG: end-of-image marker before any image data")
            case 0x00:
                continue  // a stuffed zero outside entropy data: junk, skip it
            default:
                break
            }
            guard i + 2 <= n else {
                throw ImageError(.truncated, "truncated JPEG: file ends inside marker 0x\(hex(marker))")
            }
            let length = Int(d[i]) << 8 | Int(d[i + 1])
            guard length >= 2 else {
                throw ImageError(.corrupt, "corrupt JPEG: marker 0x\(hex(marker)) has length \(length)")
            }
            if marker == 0xDA {
                guard let f = frame else {
                    throw ImageError(.corrupt, "corrupt JPEG: image data (SOS) before the frame header (SOF)")
                }
                return JPEGHeader(width: f.width, height: f.height, components: f.components,
                                  precision: f.precision, progressive: f.progressive, firstScanOffset: i - 2)
            }
            guard i + length <= n else {
                throw ImageError(.truncated, "truncated JPEG: file ends inside marker 0x\(hex(marker)) segment")
            }
            if isStartOfFrame(marker) {
                guard length >= 8 else {
                    throw ImageError(.corrupt, "corrupt JPEG: frame header too short (\(length) bytes)")
                }
                let precision = Int(d[i + 2])
                let height = Int(d[i + 3]) << 8 | Int(d[i + 4])
                let width = Int(d[i + 5]) << 8 | Int(d[i + 6])
                let components = Int(d[i + 7])
                frame = (width, height, components, precision, marker == 0xC2 || marker == 0xC6
                         || marker == 0xCA || marker == 0xCE)
            }
            i += length
        }
    }

    /// SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    static func isStartOfFrame(_ m: UInt8) -> Bool {
        m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
    }

    /// True when an end-of-image marker follows the first scan. Entropy-coded data never
    /// contains FF D9 (an FF there is always followed by 00 or a restart marker), so a file
    /// without one was cut before its end.
    static func hasEndOfImage(_ d: [UInt8], after offset: Int) -> Bool {
        var i = max(offset, 0)
        while i + 1 < d.count {
            if d[i] == 0xFF, d[i + 1] == 0xD9 { return true }
            i += 1
        }
        return false
    }
}

func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
}
