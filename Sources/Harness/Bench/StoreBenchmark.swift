import Domain
import Foundation
import RunStore

/// How fast the store takes per-image rows (issue 5: 50,000 images under 2 s): a fresh store
/// in a temporary folder, one two-stage run, `images` ImageNet-shaped results (1000 classes,
/// top-5 per stage, 49 GCA scores, 25 selected cells) written in batches as an accuracy run
/// writes them, timed from the first write to the last commit.
public enum StoreBenchmark {
    public struct Result {
        public var images: Int
        public var batch: Int
        public var seconds: Double
        public var bytes: Int64
        public var imagesPerSecond: Double { Double(images) / seconds }
    }

    public static func run(images: Int, batch: Int) throws -> Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("repro-store-bench-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1e6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bench.sqlite").path
        let store = try RunStore.open(at: path, access: .readWrite())
        defer { store.close() }
        let flops: [Int64] = [1_101_957_888, 4_022_324_736]
        let dataset = try store.registerDataset(DatasetInfo(key: "bench-\(images)", layout: "imagefolder",
                                                            classListHash: "bench", classCount: 1000,
                                                            imageCount: images))
        let run = try store.createRun(RunProvenance(
            suite: "bench", modelName: "cf-vit", mode: .accuracy, specHash: "bench", modelSpecJSON: "{}",
            stageFLOPs: flops, gitRevision: "bench", host: "bench", threads: 1, blasConfig: "none",
            weightsPath: nil, weightsSHA256: nil, preprocessingJSON: "{}", datasetPath: "bench"), dataset: dataset)
        // Built before the clock starts: the benchmark times the store, not the fake model.
        let results = (0..<images).map { result(position: $0, flops: flops) }
        let start = DispatchTime.now().uptimeNanoseconds
        var i = 0
        while i < images {
            try store.write(Array(results[i..<min(i + batch, images)]), to: run)
            i += batch
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The WAL holds whatever has not been checkpointed yet: both files are the store's size.
        let size = [path, path + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? NSNumber
        }.reduce(Int64(0)) { $0 + $1.int64Value }
        return Result(images: images, batch: batch, seconds: seconds, bytes: size)
    }

    /// Deterministic, varied values so SQLite cannot compress the work away.
    static func result(position p: Int, flops: [Int64]) -> ImageResult {
        let label = (p * 7919) % 1000
        let image = ImageRecord(position: p, relativePath: "n\(String(format: "%08d", label))/ILSVRC2012_val_\(String(format: "%08d", p + 1)).JPEG",
                                classIndex: label, labelSource: "folder", width: 500, height: 375,
                                fileSize: Int64(100_000 + p % 50_000))
        let stages = (1...2).map { s in
            StageOutput(stage: s, topClasses: (0..<5).map { (label + $0 * (s + 1)) % 1000 },
                        topProbabilities: (0..<5).map { Float(0.9 - 0.15 * Double($0)) * Float(1 + p % 7) / 7 },
                        cumulativeFLOPs: flops[s - 1])
        }
        let cells = (0..<25).map { ($0 * 2 + p) % 49 }
        let scores = (0..<49).map { Float(($0 + p) % 49) / 1176 }
        return ImageResult(image: image, stages: stages,
                           selection: RegionSelection(gridSide: 7, cells: cells, gcaScores: scores))
    }
}
