import Foundation
import Testing
@testable import ImageData

/// Resize + CenterCrop must be byte-identical to torchvision on PIL; the normalized tensor must
/// be within 1e-6 of ToTensor + Normalize.
struct TransformParityTests {
    static let cases = Fixtures.manifest.transform.map { "\($0.crop)" }

    @Test(arguments: cases)
    func cropAndTensorMatchTorchvision(crop name: String) throws {
        let entry = try #require(Fixtures.manifest.transform.first { $0.crop == name })
        let p = entry.preprocessing
        #expect(p.resizeSize == entry.resize_size)
        let image = try ImageDecoder().decode(path: Fixtures.imagePath(entry.file))
        let transform = EvalTransform(p)
        let g = transform.geometry(width: image.width, height: image.height)
        #expect(g.resizedWidth == entry.resized_width && g.resizedHeight == entry.resized_height,
                "\(name): resized to \(g.resizedWidth)x\(g.resizedHeight), torchvision \(entry.resized_width)x\(entry.resized_height)")

        let crop = transform.crop(image)
        let expected = try Fixtures.bytes(entry.crop)
        #expect(crop.width == p.imageSize && crop.height == p.imageSize)
        let sameCrop = crop.pixels == expected
        #expect(sameCrop, "\(name): \(Fixtures.firstDifference(crop.pixels, expected))")

        if let tensorFile = entry.tensor {
            let reference = try Fixtures.floats(tensorFile)
            let t = transform.tensor(image)
            #expect(t.shape == [3, p.imageSize, p.imageSize])
            var worst: Float = 0
            for i in 0..<reference.count { worst = max(worst, abs(t.scalars[i] - reference[i])) }
            #expect(worst <= 1e-6, "\(name): max |Δ| = \(worst)")
        }
    }

    @Test(arguments: Fixtures.manifest.resize.map(\.resized))
    func resampleMatchesPillowResize(resized name: String) throws {
        let entry = try #require(Fixtures.manifest.resize.first { $0.resized == name })
        let image = try ImageDecoder().decode(path: Fixtures.imagePath(entry.file))
        let filter = try #require(ResampleFilter(rawValue: entry.filter))
        let out = PillowResample.resize(image, width: entry.width, height: entry.height, filter: filter)
        let expected = try Fixtures.bytes(entry.resized)
        #expect(out.width == entry.width && out.height == entry.height)
        let same = out.pixels == expected
        #expect(same, "\(name): \(Fixtures.firstDifference(out.pixels, expected))")
    }

    @Test func windowedResizeEqualsFullResize() throws {
        let image = try ImageDecoder().decode(path: Fixtures.imagePath("jpeg_baseline_420_101x77.jpg"))
        for filter in ResampleFilter.allCases {
            for (w, h) in [(53, 40), (101, 30), (60, 77), (180, 140), (180, 40), (101, 200)] {
                let full = PillowResample.resize(image, width: w, height: h, filter: filter)
                let win = (x: w / 5, y: h / 3, width: w / 2, height: h / 2)
                let part = PillowResample.resize(image, width: w, height: h, filter: filter, window: win)
                #expect(part == full.cropped(x: win.x, y: win.y, width: win.width, height: win.height),
                        "\(filter) \(w)x\(h)")
            }
        }
    }

    /// Every uint8 level through ToTensor + Normalize, from torchvision. Checked bit for bit:
    /// the table uses the same float32 operations in the same order.
    @Test(arguments: Fixtures.manifest.normalize.map(\.table))
    func normalizationTableIsBitExact(table name: String) throws {
        let entry = try #require(Fixtures.manifest.normalize.first { $0.table == name })
        let reference = try Fixtures.floats(name)  // [3, 1, 256]
        let t = EvalTransform(Preprocessing(imageSize: 1, cropPct: 1, mean: entry.mean, std: entry.std))
        var mismatches = 0
        var worst: Float = 0
        for i in 0..<(3 * 256) where t.table[i].bitPattern != reference[i].bitPattern {
            mismatches += 1
            worst = max(worst, abs(t.table[i] - reference[i]))
        }
        #expect(mismatches == 0, "\(name): \(mismatches) of 768 values differ, max |Δ| = \(worst)")
    }

    @Test func resizeSizesOfThePresets() {
        #expect(Preprocessing.deit224.resizeSize == 256)
        #expect(Preprocessing.deit288.resizeSize == 329)
        #expect(Preprocessing.lvvit224.resizeSize == 248)
        #expect(Preprocessing.lvvit288.resizeSize == 320)
        #expect(Preprocessing.bundledSmall.resizeSize == 128)
        // The spec's worked example: 500x375 → 341x256, crop left 58 (58.5 rounds to even).
        let g = EvalTransform(.deit224).geometry(width: 500, height: 375)
        #expect(g.resizedWidth == 341 && g.resizedHeight == 256 && g.left == 58 && g.top == 16)
    }

    @Test func preprocessingRoundTripsThroughJSONWithTimmKeys() throws {
        let data = try JSONEncoder().encode(Preprocessing.lvvit224)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"crop_pct\":0.9") && text.contains("\"image_size\":224"))
        #expect(try JSONDecoder().decode(Preprocessing.self, from: data) == .lvvit224)
        #expect(throws: PreprocessingError.self) {
            try Preprocessing(imageSize: 224, cropPct: 0.875, mean: [0.5], std: [0.5]).validate()
        }
        let bad = #"{"image_size": 224, "crop_pct": 0, "interpolation": "bicubic", "mean": [0, 0, 0], "std": [1, 1, 1]}"#
        #expect(throws: PreprocessingError.self) { try JSONDecoder().decode(Preprocessing.self, from: Data(bad.utf8)) }
    }
}
