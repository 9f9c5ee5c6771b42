import Foundation
import Testing
@testable import ImageData

/// Every kind of bad input is refused with its own reason and a one-line message, never a crash.
struct BadInputTests {
    static let categories: [String: SkipReason] = [
        "empty": .emptyFile, "truncated": .truncated, "corrupt": .corrupt, "unknown_format": .unknownFormat,
        "unsupported": .unsupported, "too_many_pixels": .tooManyPixels,
    ]

    /// The bad fixture files: Pillow fails on each of them (its verdict is in the manifest).
    @Test(arguments: Fixtures.manifest.bad.map(\.file))
    func badFixtureIsSkippedWithItsReason(file: String) throws {
        let entry = try #require(Fixtures.manifest.bad.first { $0.file == file })
        let expected = try #require(Self.categories[entry.category])
        #expect(!entry.pillow.isEmpty)
        do {
            _ = try ImageDecoder().decode(path: Fixtures.imagePath(file))
            Issue.record("\(file) decoded, but Pillow refuses it: \(entry.pillow)")
        } catch let e as ImageError {
            #expect(e.reason == expected, "\(file): \(e) (Pillow: \(entry.pillow))")
            #expect(!e.message.contains("\n") && !e.message.isEmpty)
        }
    }

    @Test func pixelLimitIsConfigurableAndCheckedFromTheHeader() throws {
        // 64x48 = 3072 pixels: refused above the limit, accepted at it.
        let jpeg = Fixtures.imagePath("jpeg_444_64x48.jpg")
        #expect(throws: ImageError(.tooManyPixels, "JPEG header says 64x48 = 3072 pixels, over the limit of 3071")) {
            try ImageDecoder(limits: DecodeLimits(maxPixels: 3071)).decode(path: jpeg)
        }
        #expect(try ImageDecoder(limits: DecodeLimits(maxPixels: 3072)).decode(path: jpeg).width == 64)
        let png = Fixtures.imagePath("png_rgb_50x38.png")
        #expect(throws: ImageError.self) { try ImageDecoder(limits: DecodeLimits(maxPixels: 1000)).decode(path: png) }
        #expect(DecodeLimits.default.maxPixels == 89_478_485)
        // The bomb fixtures pass with the limit off only as far as their (missing) pixel data.
        let noLimit = ImageDecoder(limits: DecodeLimits(maxPixels: nil))
        #expect(throws: ImageError.self) { try noLimit.decode(path: Fixtures.imagePath("bad_bomb.png")) }
    }

    @Test func fileSystemProblemsHaveTheirOwnReasons() throws {
        let dir = try TempDir()
        try dir.copyFixture("jpeg_444_64x48.jpg", to: "good.jpg")
        try dir.symlink("loop.jpg", to: "loop.jpg")
        try dir.symlink("dangling.jpg", to: "does-not-exist.jpg")
        try dir.fifo("pipe.jpg")
        try dir.mkdir("folder.jpg")
        try dir.write("empty.jpg", [])
        let decoder = ImageDecoder()
        func reason(_ name: String) -> SkipReason? {
            do {
                _ = try decoder.decode(path: dir.raw.appending(name))
                return nil
            } catch let e as ImageError {
                #expect(!e.message.contains("\n"))
                return e.reason
            } catch {
                return nil
            }
        }
        #expect(reason("good.jpg") == nil)
        #expect(reason("loop.jpg") == .symlinkLoop)
        #expect(reason("dangling.jpg") == .unreadable)
        #expect(reason("pipe.jpg") == .notAFile)  // refused from stat: opening a FIFO would block
        #expect(reason("folder.jpg") == .notAFile)
        #expect(reason("empty.jpg") == .emptyFile)
        #expect(reason("missing.jpg") == .unreadable)
    }

    @Test func nonUTF8FileNameIsReadAndShownEscaped() throws {
        let dir = try TempDir()
        try dir.mkdir("n01440764")
        let name = RawPath(bytes: Array("caf".utf8) + [0xE9] + Array(".JPEG".utf8))  // Latin-1 "café"
        try dir.write(RawPath("n01440764").appending(name), [UInt8](Data(contentsOf: Fixtures.images.appendingPathComponent("jpeg_444_64x48.jpg"))))
        let dataset = try Dataset.classFolders(root: dir.raw)
        let entry = try #require(dataset.entries.first)
        #expect(entry.relativePath.description == "n01440764/caf\\xe9.JPEG")
        #expect(dataset.report.nonUTF8Names == ["n01440764/caf\\xe9.JPEG"])
        #expect(try ImageDecoder().decode(path: entry.path).width == 64)
    }

    @Test func escapedNamesAreOneLineAndUnambiguous() {
        #expect(RawPath(bytes: Array("a\nb\\c".utf8) + [0xFF]).description == "a\\x0ab\\\\c\\xff")
        #expect(RawPath("n01/été.JPEG").description == "n01/été.JPEG")
        #expect(RawPath(bytes: [0xC3]).description == "\\xc3")  // a truncated UTF-8 sequence
    }

    /// The whole run: a class folder full of bad files next to good ones; the pipeline goes on,
    /// records every bad file with its reason, and the summary counts them.
    @Test func runGoesOnAndSummaryCountsSkipsByReason() throws {
        let dir = try TempDir()
        try dir.mkdir("good")
        try dir.mkdir("bad")
        try dir.mkdir("empty")
        try dir.copyFixture("jpeg_444_64x48.jpg", to: "good/a.jpg")
        try dir.copyFixture("png_named_as.JPEG", to: "good/b.JPEG")
        try dir.copyFixture("bad_truncated_baseline.JPEG", to: "bad/truncated.JPEG")
        try dir.copyFixture("bad_truncated.png", to: "bad/truncated.png")
        try dir.copyFixture("bad_random.JPEG", to: "bad/random.JPEG")
        try dir.copyFixture("bad_bomb.JPEG", to: "bad/bomb.JPEG")
        try dir.write("bad/zero.JPEG", [])
        try dir.symlink("bad/loop.JPEG", to: "loop.JPEG")
        try dir.symlink("bad/dangling.JPEG", to: "nowhere.JPEG")
        try dir.fifo("bad/fifo.JPEG")
        try dir.write("bad/readme.txt", Array("not an image".utf8))
        try dir.write("bad/.hidden.JPEG", [])

        let dataset = try Dataset.classFolders(root: dir.raw)
        #expect(dataset.classes?.names == ["bad", "empty", "good"])
        #expect(dataset.report.emptyClassFolders == ["empty"])
        #expect(dataset.report.nonImageFiles == ["bad/readme.txt"])
        #expect(dataset.report.hidden == ["bad/.hidden.JPEG"])
        #expect(dataset.entries.count == 10)

        // Background workers and inline decoding must skip the same images for the same reasons.
        for workers in [2, 0] {
            try checkSkips(dataset, workers: workers)
        }
    }

    private func checkSkips(_ dataset: Dataset, workers: Int) throws {
        let pipeline = PrefetchPipeline(entries: dataset.entries, preprocessing: Preprocessing(imageSize: 16, cropPct: 0.875),
                                        options: .init(batchSize: 3, workers: workers))
        var good: [BatchEntry] = []
        var skipped: [SkippedImage] = []
        for batch in pipeline {
            good += batch.entries
            skipped += batch.skipped
            #expect(batch.images.shape == [batch.entries.count, 3, 16, 16])
        }
        #expect(good.map(\.entry.relativePath.description) == ["good/a.jpg", "good/b.JPEG"])
        // Each decoded image carries its size before resize and crop, and its file's length.
        func bytes(_ relative: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: dataset.root.description + "/" + relative)[.size] as! NSNumber).intValue
        }
        #expect(good.map { [$0.width, $0.height] } == [[64, 48], [39, 41]])  // as the fixtures manifest says
        #expect(try good.map(\.fileSize) == [bytes("good/a.jpg"), bytes("good/b.JPEG")])
        let summary = SkipSummary(skipped)
        #expect(summary.total == 8)
        #expect(summary.counts == [.truncated: 2, .unknownFormat: 1, .tooManyPixels: 1, .emptyFile: 1,
                                   .symlinkLoop: 1, .unreadable: 1, .notAFile: 1])
        #expect(summary.description.hasPrefix("8 images skipped ("))
        let byPath = Dictionary(uniqueKeysWithValues: skipped.map { ($0.path, $0) })
        #expect(byPath["bad/fifo.JPEG"]?.reason == .notAFile)
        #expect(byPath["bad/dangling.JPEG"]?.message.contains("dangling symlink") == true)
        // A file that was read has a size even when it does not decode; one that was not, none.
        for name in ["truncated.JPEG", "truncated.png", "random.JPEG", "bomb.JPEG"] {
            #expect(byPath["bad/" + name]?.fileSize == (try bytes("bad/" + name)), "\(name)")
        }
        #expect(byPath["bad/zero.JPEG"]?.fileSize == 0)
        for name in ["loop.JPEG", "dangling.JPEG", "fifo.JPEG"] { #expect(byPath["bad/" + name]?.fileSize == nil, "\(name)") }
        #expect(skipped.allSatisfy { !$0.description.contains("\n") })
    }
}
