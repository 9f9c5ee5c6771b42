import Foundation
import Testing
@testable import ImageData

/// Decoded RGB bytes must equal Pillow's `Image.open(f).convert('RGB')` on every fixture.
struct DecodeParityTests {
    @Test func manifestIsTheExpectedFormat() {
        #expect(Fixtures.manifest.magic == "repro-imagedata-fixtures")
        #expect(Fixtures.manifest.version == 1)
        #expect(Fixtures.manifest.decode.count >= 40)
    }

    @Test(arguments: Fixtures.manifest.decode.map(\.file))
    func decodesLikePillow(file: String) throws {
        let entry = try #require(Fixtures.manifest.decode.first { $0.file == file })
        let image = try ImageDecoder().decode(path: Fixtures.imagePath(file))
        #expect(image.width == entry.width)
        #expect(image.height == entry.height)
        if let rgb = entry.rgb {
            let expected = try Fixtures.bytes(rgb)
            let same = image.pixels == expected
            #expect(same, "\(file) (\(entry.note)): \(Fixtures.firstDifference(image.pixels, expected))")
        }
        #expect(Fixtures.crc32(image.pixels) == entry.crc32, "\(file): CRC-32 of decoded RGB differs from Pillow's")
    }

    @Test func formatComesFromMagicBytesNotName() throws {
        // A PNG named .JPEG decodes as PNG; a JPEG is still a JPEG under any name.
        let png = try [UInt8](Data(contentsOf: Fixtures.images.appendingPathComponent("png_named_as.JPEG")))
        #expect(try ImageFormat.detect(png) == .png)
        let jpeg = try [UInt8](Data(contentsOf: Fixtures.images.appendingPathComponent("jpeg_444_64x48.jpg")))
        #expect(try ImageFormat.detect(jpeg) == .jpeg)
    }

    @Test func cmykConversionMatchesPillowFormula() {
        // Pillow: C' = 255 − c, K' = 255 − k; R = CLIP8(nk − (C'·nk + 127)/255 rounded), nk = 255 − K'.
        // Independent check with exact integer rounding of (a·b)/255 half-up.
        for (c, k) in [(0, 0), (255, 255), (0, 255), (255, 0), (17, 200), (128, 128), (3, 250)] {
            let out = JPEGDecoder.invertedCMYKToRGB([UInt8(c), UInt8(c), UInt8(c), UInt8(k)], pixels: 1)
            let a = 255 - c, nk = k
            let rounded = (a * nk + 127) / 255  // MULDIV255 equals round(a·b/255) for 8-bit inputs
            #expect(Int(out[0]) == nk - rounded, "c=\(c) k=\(k)")
        }
    }
}
