/// A decoded 8-bit RGB image, row-major HWC: pixel (x, y) channel c is
/// `pixels[(y * width + x) * 3 + c]`. This is what Pillow's `Image.open(f).convert('RGB')`
/// holds, byte for byte, for the formats `ImageDecoder` supports.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGB buffer of \(pixels.count) bytes does not match \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    public var pixelCount: Int { width * height }

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
}
