import PNGFile

/// One listed image read and decoded as a run does it: the image and its file's length, or why
/// it cannot be used (with the length when the file could be read). The batch pipeline and the
/// read check both go through here, so that they fail alike and report the same sizes.
enum ImageRead {
    case decoded(RGBImage, fileSize: Int)
    case failed(ImageError, fileSize: Int?)

    init(_ path: RawPath, decoder: ImageDecoder) {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path)
        } catch let e as ImageError {
            // An empty file is the one read failure whose length is known.
            self = .failed(e, fileSize: e.reason == .emptyFile ? 0 : nil)
            return
        } catch {
            self = .failed(ImageError(.corrupt, "\(error)"), fileSize: nil)
            return
        }
        do {
            self = .decoded(try decoder.decode(bytes), fileSize: bytes.count)
        } catch let e as ImageError {
            self = .failed(e, fileSize: bytes.count)
        } catch {
            self = .failed(ImageError(.corrupt, "\(error)"), fileSize: bytes.count)
        }
    }
}
