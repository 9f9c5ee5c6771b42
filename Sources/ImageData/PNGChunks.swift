/// The chunk layer of a PNG file: header, palette and the concatenated IDAT stream, with the
/// checks Pillow's PngImagePlugin makes (and the failures it reports) before decoding.
struct PNGChunks {
    var header: PNGDecoder.Header
    var palette: [UInt8]
    var idat: [UInt8]
    /// The file ended inside or right after the image data without an IEND chunk.
    var fileEndedEarly: Bool

    /// Pillow's table of supported (bit depth, colour type) pairs (PngImagePlugin._MODES).
    static let supported: Set<[Int]> = [
        [1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [8, 2], [16, 2],
        [1, 3], [2, 3], [4, 3], [8, 3], [8, 4], [16, 4], [8, 6], [16, 6],
    ]

    static func parse(_ d: [UInt8]) throws -> PNGChunks {
        var pos = 8  // after the signature
        var header: PNGDecoder.Header?
        var palette: [UInt8] = []

        func be32(_ i: Int) -> Int {
            Int(d[i]) << 24 | Int(d[i + 1]) << 16 | Int(d[i + 2]) << 8 | Int(d[i + 3])
        }
        func chunkName(_ i: Int) -> String {
            String(decoding: d[i..<(i + 4)].map { ($0 >= 0x20 && $0 < 0x7F) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        }
        func isChunkType(_ i: Int) -> Bool {
            d[i..<(i + 4)].allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            }
        }

        // Header chunks, up to the first IDAT: CRCs checked.
        while true {
            guard pos + 8 <= d.count else {
                throw ImageError(.truncated, "truncated PNG: file ends before the image data (at byte \(d.count))")
            }
            let length = be32(pos)
            let typeAt = pos + 4
            guard isChunkType(typeAt) else {
                throw ImageError(.corrupt, "corrupt PNG: broken chunk header at byte \(pos)")
            }
            let name = chunkName(typeAt)
            if name == "IDAT" { break }
            if name == "IEND" { throw ImageError(.corrupt, "corrupt PNG: IEND before any image data") }
            let dataAt = pos + 8
            guard length <= d.count - dataAt - 4 else {
                throw ImageError(.truncated, "truncated PNG: file ends inside chunk \(name)")
            }
            let stored = UInt32(be32(dataAt + length))
            let computed = CRC32.checksum(d[typeAt..<(dataAt + length)])
            guard stored == computed else {
                throw ImageError(.corrupt, "corrupt PNG: bad checksum in chunk \(name)")
            }
            switch name {
            case "IHDR":
                guard length >= 13 else { throw ImageError(.corrupt, "corrupt PNG: IHDR chunk too short") }
                let width = be32(dataAt), height = be32(dataAt + 4)
                let depth = Int(d[dataAt + 8]), colorType = Int(d[dataAt + 9])
                guard supported.contains([depth, colorType]) else {
                    throw ImageError(.unsupported, "PNG with bit depth \(depth) and colour type \(colorType) is not supported")
                }
                guard d[dataAt + 11] == 0 else {
                    throw ImageError(.unsupported, "PNG filter method \(d[dataAt + 11]) is not supported")
                }
                guard width > 0, height > 0 else {
                    throw ImageError(.corrupt, "corrupt PNG: image size \(width)x\(height)")
                }
                header = PNGDecoder.Header(width: width, height: height, bitDepth: depth,
                                           colorType: colorType, interlaced: d[dataAt + 12] != 0)
            case "PLTE":
                if header?.colorType == 3 { palette = Array(d[dataAt..<(dataAt + length)]) }
            case "tRNS":
                // Pillow rejects a colour-key tRNS that is too short for its colour type.
                if let h = header, h.colorType == 0 || h.colorType == 2, length < (h.colorType == 2 ? 6 : 2) {
                    throw ImageError(.corrupt, "corrupt PNG: tRNS chunk too short")
                }
            default:
                break
            }
            pos = dataAt + length + 4
        }
        guard let hdr = header else { throw ImageError(.corrupt, "corrupt PNG: no IHDR chunk before the image data") }
        if hdr.colorType == 3 && palette.isEmpty {
            throw ImageError(.corrupt, "corrupt PNG: palette image without a PLTE chunk")
        }

        // The image data: consecutive IDAT chunks (CRCs not checked, as in Pillow).
        var idat: [UInt8] = []
        var endedEarly = false
        while true {
            guard pos + 8 <= d.count else { endedEarly = true; break }
            guard chunkName(pos + 4) == "IDAT" else { break }
            let length = be32(pos)
            let dataAt = pos + 8
            let available = min(length, d.count - dataAt)
            idat.append(contentsOf: d[dataAt..<(dataAt + available)])
            if available < length || dataAt + length + 4 > d.count { endedEarly = true; break }
            pos = dataAt + length + 4
        }
        return PNGChunks(header: hdr, palette: palette, idat: idat, fileEndedEarly: endedEarly)
    }
}
