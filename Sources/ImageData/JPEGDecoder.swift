import CTurboJPEG
import PNGFile

/// JPEG → RGB through the TurboJPEG API, matching Pillow's `Image.open(f).convert('RGB')`.
///
/// Both use libjpeg(-turbo) with its defaults (ISLOW IDCT, fancy upsampling, no scaling), so
/// 1- and 3-component images come out identical. TurboJPEG reports errors through its return
/// value (it never calls exit()), and a handle is not thread-safe: use one decoder per thread.
///
/// Colour handling, as Pillow does it (JpegImagePlugin.py, Unpack.c, Convert.c):
/// - 1 component → gray, replicated to R = G = B (Pillow's "L" → "RGB").
/// - 3 components → libjpeg's own YCbCr/RGB → RGB.
/// - 4 components (CMYK, or Adobe YCCK which libjpeg turns into CMYK) → Pillow always reads
///   them with raw mode "CMYK;I", i.e. assumes Adobe's inverted polarity whether or not an
///   APP14 marker is present, then converts with `cmyk2rgb`:
///   R = CLIP8(nk − MULDIV255(C, nk)) with C = 255 − c_file and nk = 255 − K = k_file.
public final class JPEGDecoder {
    private let handle: tjhandle

    public init() throws {
        guard let h = tjInitDecompress() else {
            throw ImageError(.unreadable, "TurboJPEG could not create a decompressor (out of memory?)")
        }
        handle = h
    }

    deinit { tjDestroy(handle) }

    public func decode(_ data: [UInt8], limits: DecodeLimits = .default) throws -> RGBImage {
        let header = try JPEGHeader.parse(data)
        guard header.precision == 8 else {
            throw ImageError(.unsupported, "\(header.precision)-bit JPEG is not supported (Pillow reads 8-bit only)")
        }
        guard header.width > 0, header.height > 0 else {
            throw ImageError(.unsupported, "JPEG frame header gives size \(header.width)x\(header.height) (DNL height is not supported)")
        }
        guard [1, 3, 4].contains(header.components) else {
            throw ImageError(.unsupported, "JPEG with \(header.components) components is not supported (1, 3 or 4)")
        }
        try limits.check(width: header.width, height: header.height, format: "JPEG")

        let w = header.width, h = header.height
        let cmyk = header.components == 4
        let channels = cmyk ? 4 : 3
        let format = cmyk ? TJPF_CMYK : TJPF_RGB
        var out = [UInt8](repeating: 0, count: w * h * channels)
        let rc = data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress,
                              Int32(w), 0, Int32(h), Int32(format.rawValue), TJFLAG_LIMITSCANS)
            }
        }
        if rc != 0 {
            let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown TurboJPEG error"
            if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
                // A warning: libjpeg substituted data and finished. Pillow ignores libjpeg's
                // warnings too, except running out of data, which it reports as truncation.
                if message.contains("Premature end of JPEG file")
                    || !JPEGHeader.hasEndOfImage(data, after: header.firstScanOffset) {
                    throw ImageError(.truncated, "truncated JPEG: \(message)")
                }
            } else if message.contains("Unsupported") || message.contains("not supported") {
                throw ImageError(.unsupported, "JPEG: \(message)")
            } else {
                throw ImageError(.corrupt, "corrupt JPEG: \(message)")
            }
        }
        if !cmyk { return try RGBImage(width: w, height: h, pixels: out) }
        return try RGBImage(width: w, height: h, pixels: JPEGDecoder.invertedCMYKToRGB(out, pixels: w * h))
    }

    /// Port of: Pillow src/libImaging/Unpack.c (unpackCMYKI) + Convert.c (cmyk2rgb).
    /// cmyk: [pixels, 4] as libjpeg returns it (no inversion applied) → [pixels, 3].
    static func invertedCMYKToRGB(_ cmyk: [UInt8], pixels: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: pixels * 3)
        cmyk.withUnsafeBufferPointer { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                for p in 0..<pixels {
                    // After "CMYK;I": C' = 255 − c, K' = 255 − k, so nk = 255 − K' = k.
                    let nk = Int(src[p * 4 + 3])
                    for c in 0..<3 {
                        let inverted = 255 - Int(src[p * 4 + c])
                        dst[p * 3 + c] = UInt8(clamping: nk - mulDiv255(inverted, nk))
                    }
                }
            }
        }
        return rgb
    }

    /// Pillow's MULDIV255: (a·b + 127) / 255 computed with shifts (ImagingUtils.h).
    @inline(__always)
    static func mulDiv255(_ a: Int, _ b: Int) -> Int {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }
}
