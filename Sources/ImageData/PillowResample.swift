import PNGFile

/// The two filters torchvision's PIL path uses for eval transforms.
public enum ResampleFilter: String, Codable, Sendable, CaseIterable {
    case bicubic
    case bilinear

    /// Filter support in input pixels at scale 1.
    var support: Double { self == .bicubic ? 2.0 : 1.0 }

    @inline(__always)
    func weight(_ t: Double) -> Double {
        let x = abs(t)
        switch self {
        case .bicubic:
            // Keys cubic with a = −0.5, written in Pillow's operation order.
            let a = -0.5
            if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
            if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0.0
        case .bilinear:
            return x < 1.0 ? 1.0 - x : 0.0
        }
    }
}

/// Pillow's `Image.resize(size, BICUBIC | BILINEAR)` for 8-bit RGB, bit for bit.
///
/// Port of: Pillow src/libImaging/Resample.c (precompute_coeffs, normalize_coeffs_8bpc,
/// ImagingResampleHorizontal_8bpc / Vertical_8bpc, ImagingResampleInner). A separable
/// convolution, antialiased when downscaling (support × in/out); coefficients computed in
/// double, normalised to sum 1, then quantised to fixed point with 22 fractional bits (rounded
/// half away from zero); accumulators start at 2^21 and are shifted and clipped to 0…255.
/// Horizontal pass first (vertical first when only the height shrinks, as in Pillow 13), over
/// only the source rows (columns) the second pass reads, into an 8-bit intermediate; a pass
/// whose dimension does not change is skipped.
///
/// `window` computes only a sub-rectangle of the output (e.g. the centre crop): every output
/// pixel depends only on its own coefficients, so the window's pixels are identical to the
/// same pixels of the full resize.
public enum PillowResample {
    static let precisionBits = 22

    /// Per output index: first input index, tap count, and `ksize` fixed-point weights.
    struct Coefficients {
        var start: [Int32]
        var count: [Int32]
        var weights: [Int32]  // [outSize, ksize]
        var ksize: Int

        /// Input indices read by the outputs in `outputs`.
        func span(_ outputs: Range<Int>) -> Range<Int> {
            let last = outputs.upperBound - 1
            return Int(start[outputs.lowerBound])..<Int(start[last] + count[last])
        }
    }

    /// Port of precompute_coeffs + normalize_coeffs_8bpc with box = (0, inSize).
    static func coefficients(inSize: Int, outSize: Int, filter: ResampleFilter) -> Coefficients {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        let invFilterScale = 1.0 / filterScale
        var start = [Int32](repeating: 0, count: outSize)
        var count = [Int32](repeating: 0, count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * ksize)
        var k = [Double](repeating: 0, count: ksize)
        let fixedOne = Double(1 << precisionBits)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            // (int) casts truncate toward zero, as in C.
            var xmin = Int(center - support + 0.5)
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var ww = 0.0
            for x in 0..<xmax {
                let w = filter.weight((Double(x + xmin) - center + 0.5) * invFilterScale)
                k[x] = w
                ww += w
            }
            for x in 0..<ksize {
                var v = x < xmax ? k[x] : 0
                if x < xmax && ww != 0.0 { v /= ww }
                weights[xx * ksize + x] = v < 0 ? Int32(-0.5 + v * fixedOne) : Int32(0.5 + v * fixedOne)
            }
            start[xx] = Int32(xmin)
            count[xx] = Int32(xmax)
        }
        return Coefficients(start: start, count: count, weights: weights, ksize: ksize)
    }

    /// Resizes `image` to width × height, computing only `window` (x, y, w, h) of the output
    /// when given; the result has the window's size.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter,
                              window: (x: Int, y: Int, width: Int, height: Int)? = nil) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)x\(height)")
        let win = window ?? (0, 0, width, height)
        precondition(win.x >= 0 && win.y >= 0 && win.x + win.width <= width && win.y + win.height <= height,
                     "window \(win) outside \(width)x\(height)")
        let outColumns = win.x..<(win.x + win.width)
        let outRows = win.y..<(win.y + win.height)
        let needH = width != image.width
        let needV = height != image.height
        if !needH && !needV {
            return image.cropped(x: win.x, y: win.y, width: win.width, height: win.height)
        }
        let horiz = needH ? coefficients(inSize: image.width, outSize: width, filter: filter) : nil
        let vert = needV ? coefficients(inSize: image.height, outSize: height, filter: filter) : nil

        // Pillow 13 runs the vertical pass first when the height shrinks and the width does not
        // (Resample.c ImagingResampleInner, `horizontal_first`); the 8-bit intermediate makes
        // the order visible in the output.
        let horizontalFirst = !(width >= image.width && height < image.height)
        if horizontalFirst {
            // Source rows the vertical pass reads for the window's rows.
            let rows = vert.map { $0.span(outRows) } ?? outRows
            let temp = horiz.map { horizontalPass(image, rows: rows, outColumns: outColumns, coefficients: $0) }
                ?? image.cropped(x: win.x, y: rows.lowerBound, width: win.width, height: rows.count)
            guard let v = vert else { return temp }
            return verticalPass(temp, rowOffset: rows.lowerBound, outRows: outRows, coefficients: v)
        } else {
            // Source columns the horizontal pass reads for the window's columns.
            let columns = horiz.map { $0.span(outColumns) } ?? outColumns
            let source = image.cropped(x: columns.lowerBound, y: 0, width: columns.count, height: image.height)
            guard let v = vert else { return source }  // not reached: this order implies a vertical pass
            let temp = verticalPass(source, rowOffset: 0, outRows: outRows, coefficients: v)
            guard let h = horiz else { return temp }
            return horizontalPass(temp, rows: 0..<temp.height, outColumns: outColumns,
                                  columnOffset: columns.lowerBound, coefficients: h)
        }
    }

    @inline(__always)
    static func clip8(_ acc: Int32) -> UInt8 {
        let v = acc >> Int32(precisionBits)
        return v < 0 ? 0 : v > 255 ? 255 : UInt8(truncatingIfNeeded: v)
    }

    // image: [H, W, 3] (column 0 is input column `columnOffset`) → [rows.count, outColumns.count, 3]
    static func horizontalPass(_ image: RGBImage, rows: Range<Int>, outColumns: Range<Int>, columnOffset: Int = 0,
                               coefficients c: Coefficients) -> RGBImage {
        var out = RGBImage(width: outColumns.count, height: rows.count)
        let inRowBytes = image.width * 3
        let outRowBytes = outColumns.count * 3
        let half = Int32(1) << Int32(precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                c.weights.withUnsafeBufferPointer { kk in
                    for (r, y) in rows.enumerated() {
                        let line = src.baseAddress! + y * inRowBytes
                        let outLine = dst.baseAddress! + r * outRowBytes
                        for (o, xx) in outColumns.enumerated() {
                            let xmin = Int(c.start[xx]) - columnOffset, n = Int(c.count[xx])
                            let k = kk.baseAddress! + xx * c.ksize
                            var s0 = half, s1 = half, s2 = half
                            var p = line + xmin * 3
                            for x in 0..<n {
                                let w = k[x]
                                s0 = s0 &+ Int32(p[0]) &* w
                                s1 = s1 &+ Int32(p[1]) &* w
                                s2 = s2 &+ Int32(p[2]) &* w
                                p += 3
                            }
                            outLine[o * 3] = clip8(s0)
                            outLine[o * 3 + 1] = clip8(s1)
                            outLine[o * 3 + 2] = clip8(s2)
                        }
                    }
                }
            }
        }
        return out
    }

    // image: [H, W, 3] (row 0 is input row `rowOffset`) → [outRows.count, W, 3]
    static func verticalPass(_ image: RGBImage, rowOffset: Int, outRows: Range<Int>,
                             coefficients c: Coefficients) -> RGBImage {
        var out = RGBImage(width: image.width, height: outRows.count)
        let rowBytes = image.width * 3
        let half = Int32(1) << Int32(precisionBits - 1)
        var acc = [Int32](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                c.weights.withUnsafeBufferPointer { kk in
                    acc.withUnsafeMutableBufferPointer { accp in
                        for (r, yy) in outRows.enumerated() {
                            let ymin = Int(c.start[yy]) - rowOffset, n = Int(c.count[yy])
                            let k = kk.baseAddress! + yy * c.ksize
                            for i in 0..<rowBytes { accp[i] = half }
                            // Row-wise accumulation: the same per-pixel sum as Pillow's tap loop
                            // (integer adds are exact, so their order does not matter).
                            for y in 0..<n {
                                let w = k[y]
                                let line = src.baseAddress! + (ymin + y) * rowBytes
                                for i in 0..<rowBytes { accp[i] = accp[i] &+ Int32(line[i]) &* w }
                            }
                            let outLine = dst.baseAddress! + r * rowBytes
                            for i in 0..<rowBytes { outLine[i] = clip8(accp[i]) }
                        }
                    }
                }
            }
        }
        return out
    }
}
