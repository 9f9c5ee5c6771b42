import CPNG

/// Reads a PNG file back through libpng, the library that wrote it, for callers that only
/// need to know whether a file they wrote earlier still holds given pixels. Image decoding
/// for the models is ImageData's (its own PNG path, Pillow-exact); this is not that.
public enum PNGReadBack {
    /// The file's pixels as 8-bit RGB, when it is a readable PNG of exactly `width` × `height`;
    /// nil for any problem (missing, truncated, another size). The size is checked before
    /// anything is decoded.
    public static func rgbPixels(path: String, width: Int, height: Int) -> [UInt8]? {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            png_image_free(&image)
            return nil
        }
        guard image.width == UInt32(width), image.height == UInt32(height) else {
            png_image_free(&image)
            return nil
        }
        // Ask libpng for RGB whatever the stored format.
        image.format = UInt32(PNG_FORMAT_RGB)
        var decoded = [UInt8](repeating: 0, count: width * height * 3)
        let ok = decoded.withUnsafeMutableBufferPointer { buf in
            png_image_finish_read(&image, nil, buf.baseAddress, Int32(width * 3), nil)
        }
        png_image_free(&image)
        return ok != 0 ? decoded : nil
    }
}
