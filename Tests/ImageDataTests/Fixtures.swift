import Foundation
@testable import ImageData

/// The parity fixtures written by experiments/fixtures/make_image_fixtures.py (Pillow 13 +
/// torchvision): input files under images/, expected outputs under expected/, manifest.json.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let images = root.appendingPathComponent("images")
    static let expected = root.appendingPathComponent("expected")

    struct Manifest: Decodable {
        var magic: String
        var version: Int
        var pillow: String
        var decode: [Decode]
        var transform: [Transform]
        var resize: [Resize]
        var normalize: [Normalize]
        var bad: [Bad]
        var tree: Tree
    }

    struct Tree: Decodable {
        var root: String
        var classes: [String]
        var samples: [Sample]
    }

    /// One `[relative path, class index]` pair of ImageFolder.samples.
    struct Sample: Decodable {
        var path: String
        var label: Int

        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            path = try c.decode(String.self)
            label = try c.decode(Int.self)
        }
    }

    struct Decode: Decodable {
        var file: String
        var note: String
        var format: String
        var pillow_mode: String
        var width: Int
        var height: Int
        var crc32: UInt32
        var rgb: String?
    }

    struct Transform: Decodable {
        var file: String
        var image_size: Int
        var crop_pct: Double
        var interpolation: String
        var mean: [Double]
        var std: [Double]
        var resize_size: Int
        var resized_width: Int
        var resized_height: Int
        var crop: String
        var tensor: String?

        var preprocessing: Preprocessing {
            Preprocessing(imageSize: image_size, cropPct: crop_pct,
                          interpolation: ResampleFilter(rawValue: interpolation) ?? .bicubic, mean: mean, std: std)
        }
    }

    struct Resize: Decodable {
        var file: String
        var width: Int
        var height: Int
        var filter: String
        var resized: String
    }

    struct Normalize: Decodable {
        var mean: [Double]
        var std: [Double]
        var table: String
    }

    struct Bad: Decodable {
        var file: String
        var category: String
        var pillow: String
    }

    static let manifest: Manifest = {
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("manifest.json"))
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            fatalError("cannot read fixture manifest (run experiments/fixtures/make_image_fixtures.py): \(error)")
        }
    }()

    static func imagePath(_ name: String) -> String { images.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: expected.appendingPathComponent(name)))
    }

    static func floats(_ name: String) throws -> [Float] {
        let raw = try bytes(name)
        return stride(from: 0, to: raw.count, by: 4).map { i in
            Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
        }
    }

    /// zlib / PNG CRC-32 of a byte buffer (independent table-free bitwise implementation).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (0xEDB8_8320 & (0 &- (c & 1))) }
        }
        return ~c
    }

    /// First differing index and the two values, for failure messages.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        guard a.count == b.count else { return "sizes differ: \(a.count) vs \(b.count)" }
        guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return "identical" }
        let count = zip(a, b).filter { $0 != $1 }.count
        return "\(count) bytes differ; first at \(i) (pixel \(i / 3), channel \(i % 3)): \(a[i]) vs \(b[i])"
    }
}
