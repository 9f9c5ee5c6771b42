import Testing
@testable import ImageData

/// The fast paths of the PNG decoder against their references: the pixelwise SIMD filters
/// against the bytewise loops, libdeflate against zlib. (The decoders as a whole are held to
/// Pillow by DecodeParityTests.)
struct PNGFastPathTests {
    /// Random rows over a small alphabet (so that Paeth's ties and Average's odd sums occur
    /// often) and over all byte values.
    @Test(arguments: [3, 4])
    func pixelwiseFiltersMatchTheBytewiseReference(bpp: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(bpp)
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let alphabet: [UInt8] = [0, 1, 2, 127, 128, 254, 255]
        for filter: UInt8 in 0...4 {
            for trial in 0..<300 {
                let n = bpp * (1 + trial % 37)
                let small = trial % 2 == 0
                let byte = { small ? alphabet[Int(next()) % alphabet.count] : next() }
                let previous = (0..<n).map { _ in byte() }
                var fast = (0..<n).map { _ in byte() }
                var reference = fast
                try previous.withUnsafeBufferPointer { p in
                    try fast.withUnsafeMutableBufferPointer {
                        try PNGDecoder.unfilter($0.baseAddress!, previous: p.baseAddress!, count: n, filter: filter, bpp: bpp)
                    }
                    try reference.withUnsafeMutableBufferPointer {
                        try PNGDecoder.unfilterBytewise($0.baseAddress!, previous: p.baseAddress!, count: n,
                                                        filter: filter, bpp: bpp)
                    }
                }
                #expect(fast == reference, "filter \(filter), bpp \(bpp), \(n) bytes, trial \(trial)")
            }
        }
    }

    static let pngs = ["png_rgb_50x38.png", "png_split_idat_filters_41x31.png", "png_rgba16_23x19.png",
                       "png_interlaced_rgb_43x37.png", "png_palette_44x36.png"]

    /// Whole streams: libdeflate gives zlib's bytes. Truncated or over-long streams (the image
    /// data ends early, or holds more than the header asks for): libdeflate declines and zlib's
    /// partial output and byte counts stand.
    @Test(arguments: pngs)
    func libdeflateGivesZlibsBytesAndDeclinesWhatItCannotFinish(file: String) throws {
        let idat = try PNGChunks.parse(FileReader.read(RawPath(Fixtures.imagePath(file)))).idat
        // The stream's true length: ask zlib for more than there is.
        let (padded, status) = try Zlib.zlibInflate(idat, expected: 1 << 20)
        guard case let .short(n) = status else {
            Issue.record("expected a short stream, got \(status)")
            return
        }
        let whole = Array(padded.prefix(n))
        #expect(Zlib.fastInflate(idat, expected: n) == whole)

        let truncated = Array(idat.prefix(idat.count / 2))
        #expect(Zlib.fastInflate(truncated, expected: n) == nil)
        let (_, cut) = try Zlib.inflate(truncated, expected: n)
        let (_, cutByZlib) = try Zlib.zlibInflate(truncated, expected: n)
        #expect("\(cut)" == "\(cutByZlib)")
        if case .complete = cut { Issue.record("a truncated stream cannot fill the image") }

        #expect(Zlib.fastInflate(idat, expected: n - 7) == nil)
        let (prefix, filled) = try Zlib.inflate(idat, expected: n - 7)
        #expect(prefix == Array(whole.prefix(n - 7)))
        if case .complete = filled {} else { Issue.record("an over-long stream fills the image: \(filled)") }
    }
}
