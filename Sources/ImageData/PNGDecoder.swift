import PNGFile

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
        var raw: [UInt8]  // unfiltered in place below
        let status: Zlib.Result
        (raw, status) = try Zlib.inflate(parsed.idat, expected: expected)
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
        let bpp = max(1, hdr.bitsPerPixel / 8)
        // Rows are unfiltered in place in `raw`: a row's filter reads the row above, which is
        // already unfiltered by then. 8-bit RGB rows of a plain PNG are the output rows as they
        // stand; every other layout is unpacked through one scratch row.
        let direct = hdr.colorType == 2 && hdr.bitDepth == 8 && !hdr.interlaced
        let widest = passes.map { hdr.rowBytes($0.w) }.max() ?? 0
        // The row above the first row of a pass is zeros; non-direct rows unpack through `rgb`.
        let zeroRow = UnsafeMutablePointer<UInt8>.allocate(capacity: max(widest, 1))
        zeroRow.initialize(repeating: 0, count: max(widest, 1))
        let rgb = UnsafeMutablePointer<UInt8>.allocate(capacity: max(hdr.width * 3, 1))
        defer { zeroRow.deallocate(); rgb.deallocate() }
        try raw.withUnsafeMutableBufferPointer { rawBuffer in
            try image.pixels.withUnsafeMutableBufferPointer { outBuffer in
                let base = rawBuffer.baseAddress!, out = outBuffer.baseAddress!
                var offset = 0
                for pass in passes {
                    let rowBytes = hdr.rowBytes(pass.w)
                    var previous = UnsafePointer(zeroRow)
                    for r in 0..<pass.h {
                        let filter = base[offset]
                        let row = base + offset + 1
                        offset += 1 + rowBytes
                        try unfilter(row, previous: previous, count: rowBytes, filter: filter, bpp: bpp)
                        previous = UnsafePointer(row)
                        let y = pass.y0 + r * pass.dy
                        if direct {
                            (out + y * hdr.width * 3).update(from: row, count: rowBytes)
                            continue
                        }
                        rowToRGB(row, header: hdr, palette: palette, count: pass.w, into: rgb)
                        let dst = out + (y * hdr.width + pass.x0) * 3
                        for i in 0..<pass.w {
                            let o = dst + i * pass.dx * 3
                            o[0] = rgb[i * 3]; o[1] = rgb[i * 3 + 1]; o[2] = rgb[i * 3 + 2]
                        }
                    }
                }
            }
        }
        return image
    }

    /// Reverses one scanline's filter in place (PNG spec §9; Pillow ZipDecode.c does the same).
    /// row, previous: `count` bytes; previous is the unfiltered row above (zeros for the first).
    ///
    /// Average and Paeth on 3- and 4-byte pixels (8-bit RGB, RGBA) take the pixelwise SIMD
    /// path; everything else, and the reference for it, is `unfilterBytewise`.
    static func unfilter(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count n: Int,
                         filter: UInt8, bpp: Int) throws {
        if (bpp == 3 || bpp == 4) && (filter == 3 || filter == 4) && n % bpp == 0 {
            pixelwise(row, previous: previous, count: n, bpp: bpp, paeth: filter == 4)
            return
        }
        try unfilterBytewise(row, previous: previous, count: n, filter: filter, bpp: bpp)
    }

    /// The PNG spec's filters byte by byte, written as the spec states them (the reference for
    /// `pixelwise`).
    static func unfilterBytewise(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count n: Int,
                                 filter: UInt8, bpp: Int) throws {
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

    /// Average and Paeth for 3- and 4-byte pixels, one pixel per step with its channels in SIMD
    /// lanes: each pixel depends on the one to its left, so the channels are the only
    /// parallelism (libpng's filter_sse2_intrinsics.c works the same way). Same arithmetic as
    /// the bytewise loops in `unfilter`, which remain the reference for every other layout.
    @inline(__always)
    static func pixelwise(_ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>, count n: Int,
                          bpp: Int, paeth: Bool) {
        @inline(__always) func load(_ p: UnsafePointer<UInt8>) -> SIMD4<Int16> {
            SIMD4(Int16(p[0]), Int16(p[1]), Int16(p[2]), bpp == 4 ? Int16(p[3]) : 0)
        }
        @inline(__always) func magnitude(_ v: SIMD4<Int16>) -> SIMD4<Int16> {
            v.replacing(with: 0 &- v, where: v .< 0)
        }
        var a = SIMD4<Int16>(repeating: 0), c = SIMD4<Int16>(repeating: 0)
        var i = 0
        while i < n {
            let b = load(previous + i)
            var out = load(UnsafePointer(row + i))
            if paeth {
                let toB = b &- c, toA = a &- c  // pa = |p − a| = |b − c|, pb = |a − c|, pc = |a + b − 2c|
                let pa = magnitude(toB), pb = magnitude(toA), pc = magnitude(toB &+ toA)
                var pred = c.replacing(with: b, where: pb .<= pc)
                pred.replace(with: a, where: (pa .<= pb) .& (pa .<= pc))
                out = (out &+ pred) & 0xFF
            } else {
                out = (out &+ ((a &+ b) &>> 1)) & 0xFF
            }
            row[i] = UInt8(truncatingIfNeeded: out[0])
            row[i + 1] = UInt8(truncatingIfNeeded: out[1])
            row[i + 2] = UInt8(truncatingIfNeeded: out[2])
            if bpp == 4 { row[i + 3] = UInt8(truncatingIfNeeded: out[3]) }
            a = out
            c = b
            i += bpp
        }
    }

    /// One unfiltered scanline of `count` pixels → RGB, with Pillow's raw-mode unpacking and
    /// `convert('RGB')` rules.
    /// row: the unfiltered scanline; out: `count` × 3 bytes.
    static func rowToRGB(_ row: UnsafePointer<UInt8>, header h: Header, palette: [UInt8], count: Int,
                         into out: UnsafeMutablePointer<UInt8>) {
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
