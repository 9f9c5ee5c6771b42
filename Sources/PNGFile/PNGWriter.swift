import CPNG
import Foundation

public enum PNGWriteError: Error, CustomStringConvertible {
    case cannotCreate(String)
    case libpng(String)

    public var description: String {
        switch self {
        case let .cannotCreate(path): return "cannot create \(path)"
        case let .libpng(message): return "libpng: \(message)"
        }
    }
}

/// Writes 8-bit RGB (or gray) pixels as PNG through libpng's simplified API. The output bytes
/// depend only on the pixels and zlib's version (fixed compression level, no timestamps).
public enum PNGWriter {
    /// pixels: [height, width, channels] uint8, channels 1 (gray) or 3 (RGB) or 4 (RGBA).
    public static func write(pixels: [UInt8], width: Int, height: Int, channels: Int, to path: String) throws {
        precondition(pixels.count == width * height * channels, "pixel buffer does not match \(width)x\(height)x\(channels)")
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        switch channels {
        case 1: image.format = UInt32(PNG_FORMAT_GRAY)
        case 3: image.format = UInt32(PNG_FORMAT_RGB)
        case 4: image.format = UInt32(PNG_FORMAT_RGB | PNG_FORMAT_FLAG_ALPHA)
        default: preconditionFailure("unsupported channel count \(channels)")
        }
        let tmp = path + ".tmp-\(getpid())"
        let ok = pixels.withUnsafeBufferPointer { buf in
            png_image_write_to_file(&image, tmp, 0, buf.baseAddress, Int32(width * channels), nil)
        }
        if ok == 0 {
            let message = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            png_image_free(&image)
            unlink(tmp)
            throw PNGWriteError.libpng(message.isEmpty ? "cannot write \(path)" : "\(message) (\(path))")
        }
        // Rename so that a crash never leaves a half-written file under the final name.
        if rename(tmp, path) != 0 {
            unlink(tmp)
            throw PNGWriteError.cannotCreate(path)
        }
    }
}
