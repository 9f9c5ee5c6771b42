import Foundation
import PNGFile

/// An 8-bit RGB image, row-major HWC: pixel (x, y) channel c at `(y · width + x) · 3 + c`.
/// The caller decodes (and usually centre-crops) the image; Reporting only draws on it.
public struct RGBImage: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var pixels: [UInt8]

    /// Throws when the buffer is not width × height × 3 bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw ReportError.invalidImage("image size \(width)×\(height) is out of range (1…32768 per side)")
        }
        guard pixels.count == width * height * 3 else {
            throw ReportError.invalidImage("\(pixels.count) bytes for a \(width)×\(height) RGB image (need \(width * height * 3))")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image.
    public init(width: Int, height: Int, fill: RGB) throws {
        try self.init(width: width, height: height,
                      pixels: Array([fill.r, fill.g, fill.b].repeated(width * height)))
    }

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

    /// Writes the image as an 8-bit RGB PNG (same pixels → same bytes; see `PNGWriter`).
    public func writePNG(to path: String) throws {
        // `pixels` is settable: check it still fits before libpng reads it.
        guard pixels.count == width * height * 3 else {
            throw ReportError.invalidImage("\(pixels.count) bytes for a \(width)×\(height) RGB image (need \(width * height * 3))")
        }
        do {
            try PNGWriter.write(pixels: pixels, width: width, height: height, channels: 3, to: path)
        } catch {
            throw ReportError.cannotWrite(path: path, problem: "\(error)")
        }
    }
}

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

private extension Array {
    func repeated(_ times: Int) -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(count * times)
        for _ in 0..<times { out += self }
        return out
    }
}
