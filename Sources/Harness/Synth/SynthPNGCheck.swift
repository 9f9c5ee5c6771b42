import PNGFile

/// Reads back an existing PNG to decide whether a re-run may keep it. Pixels are compared,
/// not bytes, so a dataset copied from a machine with another zlib is still recognised.
enum SynthPNGCheck {
    /// True when `path` is a readable 8-bit RGB PNG of the given size holding exactly `pixels`.
    /// Any problem (missing, truncated, other size) answers false: the caller rewrites the file.
    static func matches(path: String, pixels: [UInt8], width: Int, height: Int) -> Bool {
        PNGReadBack.rgbPixels(path: path, width: width, height: height) == pixels
    }
}
