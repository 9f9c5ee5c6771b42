/// An 8-bit RGB image, row-major HWC: pixel (x, y) channel c is `pixels[(y * width + x) * 3 + c]`.
/// ImageData's decoders produce it (what Pillow's `Image.open(f).convert('RGB')` holds, byte for
/// byte) and Reporting draws overlays on it; it lives beside the PNG writer so that both use the
/// one type without depending on each other.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// Throws when `pixels` is not width × height × 3 bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width >= 0, height >= 0, pixels.count == width * height * 3 else {
            throw RGBImageError(width: width, height: height, bytes: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, fill: .black)
    }

    /// A uniform image.
    public init(width: Int, height: Int, fill: RGB) {
        precondition(width >= 0 && height >= 0, "image size \(width)×\(height)")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        if fill != .black {
            for i in 0..<(width * height) {
                pixels[3 * i] = fill.r
                pixels[3 * i + 1] = fill.g
                pixels[3 * i + 2] = fill.b
            }
        }
        self.pixels = pixels
    }

    public var pixelCount: Int { width * height }

    public func pixel(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    public mutating func set(x: Int, y: Int, _ c: RGB) {
        let i = (y * width + x) * 3
        pixels[i] = c.r
        pixels[i + 1] = c.g
        pixels[i + 2] = c.b
    }

    /// The sub-image [x, x+w) × [y, y+h); parts outside the image are black (zero), as
    /// PIL's `crop` and torchvision's zero padding give them.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBImage {
        var out = RGBImage(width: w, height: h)
        let x0 = max(0, x), x1 = min(width, x + w)
        guard x0 < x1 else { return out }
        for oy in 0..<h {
            let sy = y + oy
            guard sy >= 0, sy < height else { continue }
            let src = (sy * width + x0) * 3
            let dst = (oy * w + (x0 - x)) * 3
            let n = (x1 - x0) * 3
            out.pixels.withUnsafeMutableBufferPointer { o in
                pixels.withUnsafeBufferPointer { p in
                    (o.baseAddress! + dst).update(from: p.baseAddress! + src, count: n)
                }
            }
        }
        return out
    }

    /// Writes the image as an 8-bit RGB PNG (same pixels → same bytes; see `PNGWriter`).
    public func writePNG(to path: String) throws {
        // `pixels` is settable: check it still fits before libpng reads it.
        guard pixels.count == width * height * 3 else {
            throw RGBImageError(width: width, height: height, bytes: pixels.count)
        }
        try PNGWriter.write(pixels: pixels, width: width, height: height, channels: 3, to: path)
    }
}

/// One pixel's colour.
public struct RGB: Equatable, Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
}

/// A pixel buffer whose length does not match its image's size.
public struct RGBImageError: Error, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var bytes: Int

    public init(width: Int, height: Int, bytes: Int) {
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    public var description: String {
        width < 0 || height < 0
            ? "image size \(width)×\(height) is negative"
            : "\(bytes) bytes for a \(width)×\(height) RGB image (need \(width * height * 3))"
    }
}
