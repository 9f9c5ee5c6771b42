/// PNG → RGB exactly as Pillow's `Image.open(f).convert('RGB')` gives it.
///
/// Follows Pillow's reader (PngImagePlugin.py, ZipDecode.c, Unpack.c, Convert.c), not libpng's
/// transforms (see Zlib.swift for why libpng is not used to read):
/// - chunks before the first IDAT must have valid CRCs (Pillow checks them; it does not check
///   IDAT CRCs); consecutive IDAT chunks form the zlib stream; later chunks are ignored;
/// - no gamma, sRGB or ICC handling (Pillow ignores gAMA/cHRM/iCCP on load);
/// - 16-bit samples keep their most significant byte (raw modes "RGB;16B", "RGBA;16B",
///   "LA;16B"), except 16-bit gray, which Pillow opens as "I;16" and whose conversion to RGB
///   clips: values above 255 become 255 (Convert.c I16_RGB);
/// - 1-bit gray is 0/255, 2- and 4-bit gray are scaled by 0x55 / 0x11 (unpackL2/L4);
/// - palette indices look up PLTE; indices beyond PLTE are black; tRNS and alpha are dropped.
public enum PNGDecoder {
    struct Header {
        var width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool

        /// Samples per pixel.
        var channels: Int {
            switch colorType {
            case 0, 3: return 1
            case 2: return 3
            case 4: return 2
            default: return 4
            }
        }

        var bitsPerPixel: Int { channels * bitDepth }
        func rowBytes(_ w: Int) -> Int { (w * bitsPerPixel + 7) / 8 }
    }

    /// Adam7 passes: (x0, y0, dx, dy).
    static let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

    public static func decode(_ data: [UInt8], limits: DecodeLimits = .default) throws -> RGBImage {
        let parsed = try PNGChunks.parse(data)
        let hdr = parsed.header
        try limits.check(width: hdr.width, height: hdr.height, format: "PNG")

        // Sub-images in decoding order: one for plain PNGs, up to seven for Adam7.
        var passes: [(x0: Int, y0: Int, dx: Int, dy: Int, w: Int, h: Int)] = []
        if hdr.interlaced {
            for (x0, y0, dx, dy) in adam7 {
                let w = (hdr.width - x0 + dx - 1) / dx, h = (hdr.height - y0 + dy - 1) / dy
                if w > 0 && h > 0 { passes.append((x0, y0, dx, dy, w, h)) }
            }
        } else {
            passes.append((0, 0, 1, 1, hdr.width, hdr.height))
        }
        let expected = passes.reduce(0) { $0 + $1.h * (1 + hdr.rowBytes($1.w)) }
        let (raw, status) = try Zlib.inflate(parsed.idat, expected: expected)
        switch status {
        case .complete:
            break
        case let .short(produced), let .dataError(produced):
            let what = "image data ends after \(produced) of \(expected) bytes"
            if parsed.fileEndedEarly { throw ImageError(.truncated, "truncated PNG: file ends inside the image data (\(what))") }
            if case .short = status { throw ImageError(.corrupt, "corrupt PNG: \(what)") }
            throw ImageError(.corrupt, "corrupt PNG: broken zlib data stream (\(what))")
        }

        var image = RGBImage(width: hdr.width, height: hdr.height)
        let palette = parsed.palette
        var offset = 0
        for pass in passes {
            let rowBytes = hdr.rowBytes(pass.w)
            var previous = [UInt8](repeating: 0, count: rowBytes)
            var current = [UInt8](repeating: 0, count: rowBytes)
            var rgbRow = [UInt8](repeating: 0, count: pass.w * 3)
            for r in 0..<pass.h {
                let filter = raw[offset]
                for i in 0..<rowBytes { current[i] = raw[offset + 1 + i] }
                offset += 1 + rowBytes
                try unfilter(&current, previous: previous, filter: filter, bpp: max(1, hdr.bitsPerPixel / 8))
                rowToRGB(current, header: hdr, palette: palette, count: pass.w, into: &rgbRow)
                let y = pass.y0 + r * pass.dy
                image.pixels.withUnsafeMutableBufferPointer { out in
                    for i in 0..<pass.w {
                        let o = (y * hdr.width + pass.x0 + i * pass.dx) * 3
                        out[o] = rgbRow[i * 3]
                        out[o + 1] = rgbRow[i * 3 + 1]
                        out[o + 2] = rgbRow[i * 3 + 2]
                    }
                }
                swap(&previous, &current)
            }
        }
        return image
    }

    /// Reverses one scanline's filter (PNG spec §9; Pillow ZipDecode.c does the same).
    static func unfilter(_ row: inout [UInt8], previous: [UInt8], filter: UInt8, bpp: Int) throws {
        let n = row.count
        switch filter {
        case 0:
            return
        case 1:
            if bpp < n { for i in bpp..<n { row[i] = row[i] &+ row[i - bpp] } }
        case 2:
            for i in 0..<n { row[i] = row[i] &+ previous[i] }
        case 3:
            for i in 0..<n {
                let left = i >= bpp ? Int(row[i - bpp]) : 0
                row[i] = row[i] &+ UInt8((left + Int(previous[i])) >> 1)
            }
        case 4:
            for i in 0..<n {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = Int(previous[i])
                let c = i >= bpp ? Int(previous[i - bpp]) : 0
                let p = a + b - c
                let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                let pred = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                row[i] = row[i] &+ UInt8(pred)
            }
        default:
            throw ImageError(.corrupt, "corrupt PNG: unknown row filter type \(filter)")
        }
    }

    /// One unfiltered scanline of `count` pixels → RGB, with Pillow's raw-mode unpacking and
    /// `convert('RGB')` rules.
    static func rowToRGB(_ row: [UInt8], header h: Header, palette: [UInt8], count: Int, into out: inout [UInt8]) {
        @inline(__always) func put(_ i: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            out[i * 3] = r; out[i * 3 + 1] = g; out[i * 3 + 2] = b
        }
        @inline(__always) func subByte(_ i: Int, bits: Int) -> Int {
            let bitIndex = i * bits
            let byte = Int(row[bitIndex >> 3])
            return (byte >> (8 - bits - (bitIndex & 7))) & ((1 << bits) - 1)
        }
        switch (h.colorType, h.bitDepth) {
        case (0, 1), (0, 2), (0, 4):
            let scale = h.bitDepth == 1 ? 255 : h.bitDepth == 2 ? 0x55 : 0x11
            for i in 0..<count { let v = UInt8(subByte(i, bits: h.bitDepth) * scale); put(i, v, v, v) }
        case (0, 8):
            for i in 0..<count { let v = row[i]; put(i, v, v, v) }
        case (0, 16):
            for i in 0..<count {
                let v = row[2 * i] == 0 ? row[2 * i + 1] : 255  // I;16 → RGB clips at 255
                put(i, v, v, v)
            }
        case (2, 8):
            for i in 0..<count { put(i, row[3 * i], row[3 * i + 1], row[3 * i + 2]) }
        case (2, 16):
            for i in 0..<count { put(i, row[6 * i], row[6 * i + 2], row[6 * i + 4]) }
        case (3, _):
            let entries = palette.count / 3
            for i in 0..<count {
                let index = h.bitDepth == 8 ? Int(row[i]) : subByte(i, bits: h.bitDepth)
                if index < entries {
                    put(i, palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])
                } else {
                    put(i, 0, 0, 0)
                }
            }
        case (4, 8):
            for i in 0..<count { let v = row[2 * i]; put(i, v, v, v) }
        case (4, 16):
            for i in 0..<count { let v = row[4 * i]; put(i, v, v, v) }
        case (6, 8):
            for i in 0..<count { put(i, row[4 * i], row[4 * i + 1], row[4 * i + 2]) }
        default:  // (6, 16): the header parser admits no other combination
            for i in 0..<count { put(i, row[8 * i], row[8 * i + 2], row[8 * i + 4]) }
        }
    }
}
