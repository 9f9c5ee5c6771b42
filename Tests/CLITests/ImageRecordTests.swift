import Foundation
import RunStore
import Testing

/// A run stores each image's decoded size (before resize and crop) and its file's length; an
/// image that does not decode keeps its length and has no size.
struct ImageRecordTests {
    /// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), read without a decoder.
    static func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let b = Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(24))
        func be32(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    static func fileSize(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).int64Value
    }

    @Test func imagesCarryTheirSizeAndFileLength() throws {
        let dir = CLI.temporaryDirectory("image-records")
        let data = try Fixture.dataset(in: dir, classes: 2, perClass: 3)
        try Data((0..<100).map { UInt8(truncatingIfNeeded: $0 * 37) }).write(to: URL(fileURLWithPath: data + "/class0/broken.png"))
        try Data().write(to: URL(fileURLWithPath: data + "/class1/empty.png"))
        let suite = try Fixture.suite(in: dir, data: data)
        let db = dir + "/r.sqlite"
        let r = try CLI.run(["--suite", suite, "--db", db, "--mode", "accuracy", "--model", "vit", "--no-report",
                             "--batch", "4", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")

        let store = try RunStore.open(at: db, access: .readOnly)
        defer { store.close() }
        let run = try #require(try store.runs(suite: "cli").first { $0.provenance.mode == .accuracy })
        var evaluated = 0
        try store.forEachResult(of: run.id) { result in
            let path = data + "/" + result.image.relativePath
            let size = try Self.pngSize(path)
            #expect(result.image.width == size.width && result.image.height == size.height, "\(result.image.relativePath)")
            #expect(result.image.fileSize == (try Self.fileSize(path)), "\(result.image.relativePath)")
            evaluated += 1
        }
        #expect(evaluated == 6)
        let skipped = try store.skippedImages(of: run.id)
        #expect(skipped.map(\.relativePath) == ["class0/broken.png", "class1/empty.png"])
        #expect(skipped.map(\.fileSize) == [100, 0])
        #expect(skipped.allSatisfy { $0.width == nil && $0.height == nil && $0.skipReason != nil })
    }
}
