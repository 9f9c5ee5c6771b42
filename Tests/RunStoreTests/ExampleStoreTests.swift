import Domain
import Foundation
import Testing
import RunStore

/// The store the README's example queries run on: a small synthetic "smoke" suite with a
/// single-stage baseline, a CF-ViT run (informative cells) and an LF-ViT run (a window),
/// 200 images of 10 classes. The test checks the README's queries run and agree with the
/// Swift API; set RUNSTORE_EXAMPLE_DB=path to keep the file and run them yourself.
@Suite struct ExampleStoreTests {
    static let images = 200

    struct Model {
        let name: String
        let preset: String
        let flops: [Int64]
        /// Chance that each stage's top-1 is right.
        let accuracy: [Float]
        let window: Bool
    }

    static let models = [
        Model(name: "deit-s", preset: "deit-s-224", flops: [4_608_338_304], accuracy: [0.80], window: false),
        Model(name: "cf-vit-deit-s", preset: "cf-vit-deit-s-7x7", flops: [1_101_957_888, 4_022_324_736],
              accuracy: [0.73, 0.81], window: false),
        Model(name: "lf-vit-deit-s", preset: "lf-vit-deit-s-7x7", flops: [1_101_957_888, 3_810_416_256],
              accuracy: [0.73, 0.80], window: true),
    ]

    static func result(_ model: Model, position: Int) -> ImageResult {
        // The image's own facts depend on its position only (every run records the same row);
        // the outputs on the model too (FNV-1a of its name).
        var pixels = TestRandom(seed: UInt64(position))
        let label = position % 10
        let image = ImageRecord(position: position, relativePath: "class\(label)/ILSVRC2012_val_\(String(format: "%08d", position + 1)).JPEG",
                                classIndex: label, labelSource: "folder", width: 400 + pixels.below(100),
                                height: 300 + pixels.below(100), fileSize: Int64(60_000 + pixels.below(80_000)))
        let nameHash = model.name.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        var rng = TestRandom(seed: UInt64(position) &* 1_000_003 ^ nameHash)
        // The fine stage is right whenever the coarse stage is, and sometimes when it is not.
        let easy = rng.unit()
        var stages: [StageOutput] = []
        for (s, accuracy) in model.accuracy.enumerated() {
            let right = easy < accuracy
            let wrongClass = (label + 1 + rng.below(9)) % 10
            var classes = [right ? label : wrongClass]
            while classes.count < 5 {
                let c = rng.below(10)
                if !classes.contains(c) { classes.append(c) }
            }
            // Confidence: high when right, spread out when wrong.
            let top = right ? 0.45 + 0.55 * rng.unit() : 0.2 + 0.6 * rng.unit()
            var rest = (0..<4).map { _ in rng.unit() * (1 - top) / 4 }.sorted(by: >)
            rest = rest.map { min($0, top) }
            stages.append(StageOutput(stage: s + 1, topClasses: classes, topProbabilities: [top] + rest,
                                      cumulativeFLOPs: model.flops[s]))
        }
        guard model.flops.count == 2 else { return ImageResult(image: image, stages: stages) }
        var cells: [Int] = []
        let scores = (0..<49).map { _ in rng.unit() / 24.5 }
        let window: RegionSelection.Window?
        if model.window {
            // The 5×5 window with the largest summed score, then its 22 best cells.
            var best = (sum: -Float.infinity, row: 0, col: 0)
            for r in 0...2 { for c in 0...2 {
                let sum = (0..<25).reduce(Float(0)) { $0 + scores[(r + $1 / 5) * 7 + c + $1 % 5] }
                if sum > best.sum { best = (sum, r, c) }
            } }
            let inside = (0..<25).map { (best.row + $0 / 5) * 7 + best.col + $0 % 5 }
            cells = Array(inside.sorted { scores[$0] > scores[$1] }.prefix(22))
            window = RegionSelection.Window(row: best.row, column: best.col, size: 5)
        } else {
            cells = Array((0..<49).sorted { scores[$0] > scores[$1] }.prefix(25))
            window = nil
        }
        return ImageResult(image: image, stages: stages,
                           selection: RegionSelection(gridSide: 7, cells: cells, window: window, gcaScores: scores))
    }

    static func fill(_ path: String) throws -> RunStore {
        let store = try RunStore.open(at: path, access: .readWrite())
        let dataset = try store.registerDataset(DatasetInfo(
            key: "sha256:5d1c0e…listing", layout: "imagefolder", classListHash: "sha256:9a0f…classes",
            classCount: 10, imageCount: images))
        for (i, model) in models.enumerated() {
            let provenance = RunProvenance(
                suite: "smoke", modelName: model.name, mode: .accuracy, specHash: "\(i + 1)f3a9c0e7b21d",
                modelSpecJSON: #"{"preset":"\#(model.preset)"}"#, stageFLOPs: model.flops,
                gitRevision: "d5cb4ec", host: "lab-node-1", threads: 2,
                blasConfig: "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64 (core: Zen)",
                weightsPath: "weights/\(model.name).safetensors", weightsSHA256: "e3b0c442…",
                preprocessingJSON: #"{"resize":256,"crop":224,"interpolation":"bicubic"}"#,
                datasetPath: "data/smoke")
            let start = testDate.addingTimeInterval(Double(i) * 600)
            let run = try store.createRun(provenance, dataset: dataset, startedAt: start)
            var p = 0
            while p < images {
                try store.write((p..<min(p + 32, images)).map { result(model, position: $0) }, to: run)
                p += 32
            }
            try store.finishRun(run, status: .complete, at: start.addingTimeInterval(95))
            try store.computeSweep(for: run, etas: Sweep.defaultEtas + [0.63])
            try store.recordThroughput(ThroughputMeasurement(
                eta: model.flops.count == 2 ? 0.63 : nil, batchSize: 64, threads: 2, warmupBatches: 2,
                imagesTimed: 192, seconds: model.flops.count == 2 ? 9.6 : 17.9,
                timerCovers: "model forward on preprocessed tensors in memory (decode excluded)",
                measuredUTC: start.addingTimeInterval(120)), for: run)
        }
        return store
    }

    @Test func readmeQueriesRunOnTheExampleStore() throws {
        let dir = try TempDirectory()
        let keep = ProcessInfo.processInfo.environment["RUNSTORE_EXAMPLE_DB"]
        if let keep { try? FileManager.default.removeItem(atPath: keep) }
        let store = try Self.fill(keep ?? dir.path("example.sqlite"))
        let db = store.database
        let cf = try #require(try store.latestCompleteRuns(suite: "smoke").first { $0.provenance.modelName == "cf-vit-deit-s" })
        let point = try #require(try store.sweepPoints(of: cf.id).first { $0.eta == 0.63 })
        let row = try db.query("""
            SELECT r.model_name, p.top1, p.expected_gflops, p.stage1_exit_share
            FROM sweep_points p JOIN runs r USING (run_id) WHERE r.suite = 'smoke' AND p.eta = 0.63
              AND r.model_name = 'cf-vit-deit-s'
            """) { $0.row() }.first
        #expect(row == [.text("cf-vit-deit-s"), .real(point.top1), .real(point.expectedGFLOPs), .real(point.stage1ExitShare)])
        let early = try db.scalar("SELECT COUNT(*) FROM early_exit_errors WHERE run_id = ? AND eta = 0.63",
                                  [.integer(cf.id.rawValue)])
        #expect(early == .integer(Int64(point.stages[0].exits - point.stages[0].top1Correct)))
        #expect(try store.latestCompleteRuns(suite: "smoke").count == 3)
        store.close()
    }
}
