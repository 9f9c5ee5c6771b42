import Domain
import Foundation
import RunStore

/// A fresh directory under the system temp dir, removed when the value is released.
final class TempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("runstore-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// SplitMix64, so the synthetic data does not depend on any other module.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Deterministic synthetic runs: every value is a function of the image position, so a
/// run split into shards and merged must give back exactly the unsplit rows.
enum Synthetic {
    static let flops: [Int64] = [1_101_957_888, 4_022_324_736]

    static func dataset(images: Int = 1000) -> DatasetInfo {
        DatasetInfo(key: "sha256:listing-\(images)", layout: "imagefolder", classListHash: "sha256:classes",
                    classCount: 10, imageCount: images)
    }

    static func provenance(model: String = "cf-vit-deit-s", stages: Int = 2, shard: Shard? = nil,
                           mode: RunMode = .accuracy, spec: String = "spec-abc123") -> RunProvenance {
        RunProvenance(suite: "table2", modelName: model, variant: "", mode: mode, specHash: spec,
                      modelSpecJSON: #"{"preset":"cf-vit-deit-s-7x7"}"#,
                      stageFLOPs: Array(flops.prefix(stages)), gitRevision: "0123abcd",
                      host: "test-host", threads: 2, blasConfig: "OpenBLAS test",
                      weightsPath: "weights/cf.safetensors", weightsSHA256: "ab12",
                      preprocessingJSON: #"{"resize":256,"crop":224}"#, datasetPath: "/data/val",
                      shard: shard, notes: "synthetic")
    }

    /// The image at `position`: one in 97 is skipped, the rest have `stages` outputs and
    /// (for two-stage models) a selection, alternating CF-ViT cells and an LF-ViT window.
    static func result(position: Int, stages: Int = 2, gca: Bool = true) -> ImageResult {
        var rng = TestRandom(seed: UInt64(position) &* 7919 &+ 17)
        let label = position % 10
        let image = ImageRecord(position: position, relativePath: "n\(label)/img_\(position).JPEG",
                                classIndex: label, labelSource: "folder", width: 300 + rng.below(200),
                                height: 200 + rng.below(200), fileSize: Int64(50_000 + rng.below(90_000)),
                                skipReason: position % 97 == 13 ? "undecodable JPEG: premature end" : nil)
        if image.skipReason != nil { return ImageResult(image: image, stages: []) }
        var outputs: [StageOutput] = []
        for s in 1...stages {
            var classes: [Int] = []
            // Right about 70% of the time; otherwise a random class ranks first.
            if rng.unit() < 0.7 { classes.append(label) }
            while classes.count < 5 {
                let c = rng.below(10)
                if !classes.contains(c) { classes.append(c) }
            }
            var probabilities = (0..<5).map { _ in rng.unit() }.sorted(by: >)
            // Some confidences land exactly on float32 grid values the sweep tests use.
            if position % 50 == 7 { probabilities[0] = Float(0.5) }
            outputs.append(StageOutput(stage: s, topClasses: classes, topProbabilities: probabilities,
                                       cumulativeFLOPs: flops[s - 1]))
        }
        guard stages > 1 else { return ImageResult(image: image, stages: outputs) }
        var cells: [Int] = []
        let window: RegionSelection.Window?
        if position % 2 == 0 {
            window = nil
            while cells.count < 25 {
                let c = rng.below(49)
                if !cells.contains(c) { cells.append(c) }
            }
        } else {
            let row = rng.below(3), col = rng.below(3)
            window = RegionSelection.Window(row: row, column: col, size: 5)
            while cells.count < 22 {
                let c = (row + rng.below(5)) * 7 + col + rng.below(5)
                if !cells.contains(c) { cells.append(c) }
            }
        }
        let scores = gca ? (0..<49).map { _ in rng.unit() / 49 } : nil
        return ImageResult(image: image, stages: outputs,
                           selection: RegionSelection(gridSide: 7, cells: cells, window: window, gcaScores: scores))
    }

    /// Writes `positions` in batches of `batch`.
    static func write(_ positions: [Int], to store: RunStore, run: RunID, stages: Int = 2,
                      batch: Int = 64) throws {
        var i = 0
        while i < positions.count {
            let chunk = positions[i..<min(i + batch, positions.count)]
            try store.write(chunk.map { result(position: $0, stages: stages) }, to: run)
            i += batch
        }
    }
}

/// Rows of a store as text, run ids replaced by model names, for row-by-row comparison
/// of two stores.
enum Dump {
    static func rows(_ store: RunStore, _ sql: String) throws -> [String] {
        try store.database.query(sql) { row in row.row().map(\.description).joined(separator: " | ") }
    }

    static func all(_ store: RunStore) throws -> [String: [String]] {
        let run = "(SELECT model_name || '/' || mode || '/' || spec_hash FROM runs r WHERE r.run_id = t.run_id)"
        let dataset = "(SELECT dataset_key FROM datasets d WHERE d.dataset_id = t.dataset_id)"
        return [
            "datasets": try rows(store, """
                SELECT dataset_key, layout, class_list_hash, class_count, image_count FROM datasets
                ORDER BY dataset_key
                """),
            "runs": try rows(store, """
                SELECT suite, model_name, variant, mode, status, spec_hash, model_spec_json, stage_count,
                       stage_flops_json, weights_sha256, preprocessing_json, shard
                FROM runs ORDER BY model_name, mode, spec_hash
                """),
            "images": try rows(store, """
                SELECT \(dataset), position, rel_path, class_index, label_source, width, height, file_size,
                       skip_reason
                FROM images t ORDER BY 1, position
                """),
            "stage_outputs": try rows(store, """
                SELECT \(run), position, stage, top1_class, top1_prob, top2_class, top2_prob, top3_class,
                       top3_prob, top4_class, top4_prob, top5_class, top5_prob, cumulative_flops
                FROM stage_outputs t ORDER BY 1, position, stage
                """),
            "selections": try rows(store, """
                SELECT \(run), position, kind, grid_side, window_row, window_col, window_size, cells,
                       hex(gca_scores)
                FROM selections t ORDER BY 1, position
                """),
            "run_skips": try rows(store, "SELECT \(run), position FROM run_skips t ORDER BY 1, position"),
            "sweep_points": try rows(store, """
                SELECT \(run), eta, eta_f32, image_count, top1, top1_low, top1_high, top5, top5_low,
                       top5_high, top1_correct, top5_correct, expected_gflops, stage1_exits,
                       stage1_exit_share, stage1_top1_correct, stage_exits_json
                FROM sweep_points t ORDER BY 1, eta
                """),
        ]
    }
}

let testDate = Date(timeIntervalSince1970: 1_735_732_800)   // 2025-01-01T12:00:00Z

func session(host: String = "test-host") -> SessionInfo {
    SessionInfo(host: host, pid: 4242, threads: 2, gitRevision: "0123abcd", blasConfig: "OpenBLAS test")
}
