import PNGFile

/// Reads and decodes image files to RGB, choosing the decoder from the file's magic bytes.
/// Holds a TurboJPEG handle, so it is not thread-safe: give each worker thread its own.
public final class ImageDecoder {
    public let limits: DecodeLimits
    private var jpeg: JPEGDecoder?

    public init(limits: DecodeLimits = .default) {
        self.limits = limits
    }

    /// Decodes an in-memory file.
    public func decode(_ data: [UInt8]) throws -> RGBImage {
        switch try ImageFormat.detect(data) {
        case .jpeg:
            let decoder: JPEGDecoder
            if let existing = jpeg {
                decoder = existing
            } else {
                decoder = try JPEGDecoder()
                jpeg = decoder
            }
            return try decoder.decode(data, limits: limits)
        case .png:
            return try PNGDecoder.decode(data, limits: limits)
        }
    }

    /// Reads and decodes a file; every failure is an `ImageError` with its reason.
    public func decode(path: RawPath) throws -> RGBImage {
        try decode(FileReader.read(path))
    }

    public func decode(path: String) throws -> RGBImage {
        try decode(path: RawPath(path))
    }
}
