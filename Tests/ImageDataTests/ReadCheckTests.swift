import Foundation
import Testing
@testable import ImageData

/// The read check behind `--strict-data` finds exactly the images a run would skip.
struct ReadCheckTests {
    @Test func findsWhatThePipelineSkipsInPositionOrder() throws {
        let dir = try TempDir()
        try dir.mkdir("c")
        let files = ["jpeg_444_64x48.jpg", "bad_truncated_baseline.JPEG", "png_rgb_50x38.png", "bad_png_crc.png",
                     "bad_empty.JPEG", "jpeg_gray_45x61.jpg", "bad_gif.jpg"]
        for (i, f) in files.enumerated() { try dir.copyFixture(f, to: "c/\(i)_\(f)") }
        try dir.symlink("c/9_dangling.jpg", to: "nowhere.jpg")
        let entries = try Dataset.classFolders(root: dir.raw).entries
        #expect(entries.count == 8)

        let pipeline = PrefetchPipeline(entries: entries, preprocessing: .deit224,
                                        options: .init(batchSize: 3, workers: 2, prefetch: 2))
        let skippedByRun = pipeline.flatMap(\.skipped)
        for workers in [1, 3, 16] {
            let found = ReadCheck.skipped(entries, workers: workers)
            #expect(found == skippedByRun, "workers \(workers)")
        }
        #expect(skippedByRun.map(\.position) == [1, 3, 4, 6, 7])
        #expect(skippedByRun.map(\.reason) == [.truncated, .corrupt, .emptyFile, .unsupported, .unreadable])
        var calls: [Int] = []
        _ = ReadCheck.skipped(entries, workers: 2) { calls.append($0) }
        #expect(calls == Array(1...8))
    }
}
