import Foundation
import Testing
import Tensor
@testable import ImageData

struct PipelineTests {
    static let preprocessing = Preprocessing(imageSize: 32, cropPct: 0.875)

    /// Good fixture images as a listing (positions 0…).
    static func goodEntries() -> [DatasetEntry] {
        Fixtures.manifest.decode.filter { !$0.file.hasPrefix("imagenet_like") }.enumerated().map { i, d in
            let path = RawPath(Fixtures.imagePath(d.file))
            return DatasetEntry(position: i, path: path, relativePath: RawPath(d.file), label: i % 5, className: "")
        }
    }

    @Test func batchesArriveInOrderAndEqualTheSingleImageTransform() throws {
        let entries = Self.goodEntries()
        let transform = EvalTransform(Self.preprocessing)
        let decoder = ImageDecoder()
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: Self.preprocessing,
                                        options: .init(batchSize: 4, workers: 3, prefetch: 2))
        #expect(pipeline.batchCount == (entries.count + 3) / 4)
        var seen: [Int] = []
        var index = 0
        for batch in pipeline {
            #expect(batch.index == index)
            #expect(batch.skipped.isEmpty)
            #expect(batch.images.shape == [batch.entries.count, 3, 32, 32])
            for (j, entry) in batch.entries.map(\.entry).enumerated() {
                let single = transform.tensor(try decoder.decode(path: entry.path))
                let slice = Array(batch.images.scalars[(j * single.count)..<((j + 1) * single.count)])
                #expect(slice == single.scalars, "\(entry.relativePath)")
            }
            seen += batch.entries.map(\.entry.position)
            index += 1
        }
        #expect(seen == entries.map(\.position))
        #expect(pipeline.next() == nil)
    }

    /// Inline decoding (workers 0) hands out the background workers' batches bit for bit,
    /// also when bad images in mid-batch must be compacted away.
    @Test func inlineDecodingGivesTheBackgroundBatches() throws {
        var entries = Self.goodEntries()
        for (at, bad) in [(1, "bad_truncated.png"), (5, "bad_png_zlib.png"), (6, "bad_truncated.png")] {
            entries.insert(DatasetEntry(position: 0, path: RawPath(Fixtures.imagePath(bad)), relativePath: RawPath(bad),
                                        label: 0, className: ""), at: at)
        }
        entries = entries.enumerated().map { i, e in
            DatasetEntry(position: i, path: e.path, relativePath: e.relativePath, label: e.label, className: "")
        }
        func batches(workers: Int) -> [Batch] {
            Array(PrefetchPipeline(entries: entries, preprocessing: Self.preprocessing,
                                   options: .init(batchSize: 4, workers: workers)))
        }
        let inline = batches(workers: 0), background = batches(workers: 2)
        #expect(inline.count == (entries.count + 3) / 4)
        #expect(inline.flatMap(\.skipped).map(\.position) == [1, 5, 6])
        #expect(inline == background)
    }

    @Test func workersStopAtThePrefetchWindow() throws {
        let entries = Array(repeating: Self.goodEntries(), count: 3).flatMap { $0 }.enumerated().map { i, e in
            DatasetEntry(position: i, path: e.path, relativePath: e.relativePath, label: e.label, className: "")
        }
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: Self.preprocessing,
                                        options: .init(batchSize: 2, workers: 2, prefetch: 1))
        // Wait until the workers reach the window's end, then make sure they stay there.
        Self.waitUntil { pipeline.claimedImages >= 2 }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(pipeline.claimedImages == 2, "only batch 0 may be prepared before it is consumed")
        _ = pipeline.next()
        Self.waitUntil { pipeline.claimedImages >= 4 }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(pipeline.claimedImages == 4)
        pipeline.cancel()
        #expect(pipeline.next() == nil)
    }

    static func waitUntil(timeout: TimeInterval = 10, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
    }

    @Test func consumerDoesNotWaitWhenDecodingKeepsUp() throws {
        let pipeline = PrefetchPipeline(entries: Self.goodEntries(), preprocessing: Self.preprocessing,
                                        options: .init(batchSize: 4, workers: 2, prefetch: 2))
        _ = pipeline.next()
        let before = pipeline.consumerWaitSeconds
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.25)  // the "model": far slower than decoding 4 tiny images
            #expect(pipeline.next() != nil)
        }
        #expect(pipeline.consumerWaitSeconds - before < 0.05)
    }

    @Test func cancelAndReleaseStopTheWorkers() throws {
        let entries = Array(repeating: Self.goodEntries(), count: 10).flatMap { $0 }.enumerated().map { i, e in
            DatasetEntry(position: i, path: e.path, relativePath: e.relativePath, label: 0, className: "")
        }
        let pipeline = PrefetchPipeline(entries: entries, preprocessing: Self.preprocessing,
                                        options: .init(batchSize: 8, workers: 2, prefetch: 2))
        #expect(pipeline.next()?.index == 0)
        pipeline.cancel()
        #expect(pipeline.next() == nil)
        #expect(pipeline.claimedImages < entries.count)
        // Releasing an unfinished pipeline must not leave workers blocked (deinit cancels).
        do {
            let dropped = PrefetchPipeline(entries: entries, preprocessing: Self.preprocessing,
                                           options: .init(batchSize: 8, workers: 2, prefetch: 1))
            _ = dropped.next()
        }
    }

    @Test func emptyListingGivesNoBatches() {
        let pipeline = PrefetchPipeline(entries: [], preprocessing: Self.preprocessing)
        #expect(pipeline.batchCount == 0)
        #expect(pipeline.next() == nil)
    }

    @Test func preprocessToolGivesImageAndLowResolutionInput() throws {
        let tensors = try PreprocessTool.namedTensors(path: Fixtures.imagePath("imagenet_like_500x375.jpg"),
                                                      preprocessing: .deit224, lowResolution: true)
        #expect(tensors.map(\.name) == ["image", "image_lo"])
        #expect(tensors[0].tensor.shape == [1, 3, 224, 224])
        #expect(tensors[1].tensor.shape == [1, 3, 112, 112])
        // The crop is the fixture's (checked byte for byte elsewhere); the low-resolution input
        // is the align_corners bilinear of it: corners are copied exactly.
        let full = tensors[0].tensor.scalars, lo = tensors[1].tensor.scalars
        #expect(lo[0] == full[0] && lo[111] == full[223] && lo[112 * 112 - 1] == full[224 * 224 - 1])
    }

    @Test func benchmarkCountsImages() throws {
        let dir = try TempDir()
        try dir.mkdir("x")
        for i in 0..<5 { try dir.copyFixture("jpeg_baseline_420_101x77.jpg", to: "x/\(i).jpg") }
        try dir.write("x/bad.jpg", [1, 2, 3])
        let result = try PipelineBenchmark.run(folder: dir.path, preprocessing: Self.preprocessing, workers: 2,
                                               batchSize: 2, warmup: false)
        #expect(result.images == 5 && result.skipped == 1)
        #expect(result.imagesPerSecond > 0)
    }
}
