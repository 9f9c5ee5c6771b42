import CPNG
import Foundation

/// Reads back an existing PNG to decide whether a re-run may keep it. Pixels are compared,
/// not bytes, so a dataset copied from a machine with another zlib is still recognised.
enum SynthPNGCheck {
    /// True when `path` is a readable 8-bit RGB PNG of the given size holding exactly `pixels`.
    /// Any problem (missing, truncated, other size) answers false: the caller rewrites the file.
    static func matches(path: String, pixels: [UInt8], width: Int, height: Int) -> Bool {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            png_image_free(&image)
            return false
        }
        guard image.width == UInt32(width), image.height == UInt32(height) else {
            png_image_free(&image)
            return false
        }
        // Ask libpng for RGB whatever the stored format, then compare.
        image.format = UInt32(PNG_FORMAT_RGB)
        var decoded = [UInt8](repeating: 0, count: width * height * 3)
        let ok = decoded.withUnsafeMutableBufferPointer { buf in
            png_image_finish_read(&image, nil, buf.baseAddress, Int32(width * 3), nil)
        }
        png_image_free(&image)
        return ok != 0 && decoded == pixels
    }
}
