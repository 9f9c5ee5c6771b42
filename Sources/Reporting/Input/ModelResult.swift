import Foundation

/// The measured results of one suite row (a plain ViT, a two-stage model, or an ablation
/// variant of one). Accuracies travel as counts, never as rounded fractions: the report
/// computes percentages and Wilson intervals from them, and a regenerated report cannot drift.
public struct ModelResult: Codable, Equatable, Sendable {
    /// Row name in the suite and the store ("deit-s", "cf-vit", "cf-vit-neg-gca").
    public var name: String
    /// Display name in tables and legends (default: `name`).
    public var label: String?
    /// Ablation variant ("" for a main row); the CSV `variant` column.
    public var variant: String
    /// The row this one is compared with in Table 2 (Δ top-1, GFLOPs ↓, throughput ↑).
    public var baseline: String?
    /// Early exit off: every image through every stage. Index 0 = stage 1 (the coarse 7×7 /
    /// localization stage of a two-stage model; the only stage of a plain ViT).
    public var stages: [StageSummary]
    /// The η sweep, ascending η (0.00…0.99, 1.0 for a two-stage model). A single-stage model has
    /// exactly one point with `eta == nil`.
    public var sweep: [SweepPointResult]
    /// Throughput-mode measurements (any order; see `ThroughputSetting` for which one a table uses).
    public var throughput: [ThroughputResult]
    /// η values this row reports in tables (default: the suite's `SuiteReport.etas`).
    public var reportEtas: [Double]?
    /// timm result-file columns, when known.
    public var paramCount: Int?
    public var imageSize: Int?
    public var cropPct: Double?
    public var interpolation: String?
    public var weightsSHA256: String?
    /// Git revision of this row's run when it differs from the provenance header's.
    public var gitRevision: String?
    /// Paired statistics against the rows this one is compared with (its baseline, the main
    /// row of a variant), per η.
    public var paired: [PairedComparison]
    /// Curves the row's checkpoint file carries (empty for the bundled safetensors models).
    public var checkpointCurves: [CheckpointCurve]

    public init(name: String, label: String? = nil, variant: String = "", baseline: String? = nil,
                stages: [StageSummary], sweep: [SweepPointResult], throughput: [ThroughputResult] = [],
                reportEtas: [Double]? = nil, paramCount: Int? = nil, imageSize: Int? = nil,
                cropPct: Double? = nil, interpolation: String? = nil, weightsSHA256: String? = nil,
                gitRevision: String? = nil, paired: [PairedComparison] = [], checkpointCurves: [CheckpointCurve] = []) {
        self.name = name
        self.label = label
        self.variant = variant
        self.baseline = baseline
        self.stages = stages
        self.sweep = sweep
        self.throughput = throughput
        self.reportEtas = reportEtas
        self.paramCount = paramCount
        self.imageSize = imageSize
        self.cropPct = cropPct
        self.interpolation = interpolation
        self.weightsSHA256 = weightsSHA256
        self.gitRevision = gitRevision
        self.paired = paired
        self.checkpointCurves = checkpointCurves
    }

    public var displayName: String { label ?? name }
    public var isTwoStage: Bool { stages.count > 1 }

    enum CodingKeys: String, CodingKey {
        case name, label, variant, baseline, stages, sweep, throughput
        case reportEtas = "report_etas", paramCount = "param_count", imageSize = "img_size"
        case cropPct = "crop_pct", interpolation, weightsSHA256 = "weights_sha256", gitRevision = "git_rev"
        case paired, checkpointCurves = "checkpoint_curves"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        variant = try c.decodeIfPresent(String.self, forKey: .variant) ?? ""
        baseline = try c.decodeIfPresent(String.self, forKey: .baseline)
        stages = try c.decode([StageSummary].self, forKey: .stages)
        sweep = try c.decode([SweepPointResult].self, forKey: .sweep)
        throughput = try c.decodeIfPresent([ThroughputResult].self, forKey: .throughput) ?? []
        reportEtas = try c.decodeIfPresent([Double].self, forKey: .reportEtas)
        paramCount = try c.decodeIfPresent(Int.self, forKey: .paramCount)
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize)
        cropPct = try c.decodeIfPresent(Double.self, forKey: .cropPct)
        interpolation = try c.decodeIfPresent(String.self, forKey: .interpolation)
        weightsSHA256 = try c.decodeIfPresent(String.self, forKey: .weightsSHA256)
        gitRevision = try c.decodeIfPresent(String.self, forKey: .gitRevision)
        paired = try c.decodeIfPresent([PairedComparison].self, forKey: .paired) ?? []
        checkpointCurves = try c.decodeIfPresent([CheckpointCurve].self, forKey: .checkpointCurves) ?? []
    }
}

/// One stage with early exit off: all images through it.
public struct StageSummary: Codable, Equatable, Sendable {
    /// Tokens per side of the patch grid this stage embeds (7 for the 7×7 coarse stage,
    /// 14 for a 224 DeiT-S); nil when not meaningful. Labels Table 1's "tokens" column.
    public var gridSide: Int?
    public var images: Int
    public var top1Correct: Int
    public var top5Correct: Int
    /// FLOPs of stopping after this stage, cumulative over the stages before it.
    public var cumulativeFLOPs: Int64

    public init(gridSide: Int?, images: Int, top1Correct: Int, top5Correct: Int, cumulativeFLOPs: Int64) {
        self.gridSide = gridSide
        self.images = images
        self.top1Correct = top1Correct
        self.top5Correct = top5Correct
        self.cumulativeFLOPs = cumulativeFLOPs
    }

    public var gflops: Double { Double(cumulativeFLOPs) / 1e9 }

    enum CodingKeys: String, CodingKey {
        case gridSide = "grid_side", images, top1Correct = "top1_correct", top5Correct = "top5_correct"
        case cumulativeFLOPs = "cumulative_flops"
    }
}

/// One point of the accuracy / FLOPs curve.
public struct SweepPointResult: Codable, Equatable, Sendable {
    /// nil for a single-stage model.
    public var eta: Double?
    public var images: Int
    public var top1Correct: Int
    public var top5Correct: Int
    /// Expected GFLOPs per image at this η (Σ share exiting at a stage × its cumulative cost).
    public var gflops: Double
    /// Per stage (index 0 = stage 1): images decided there and how many are correct.
    public var stages: [StageExitCount]

    public init(eta: Double?, images: Int, top1Correct: Int, top5Correct: Int, gflops: Double,
                stages: [StageExitCount]) {
        self.eta = eta
        self.images = images
        self.top1Correct = top1Correct
        self.top5Correct = top5Correct
        self.gflops = gflops
        self.stages = stages
    }

    /// Share of the images decided at stage 1, in [0, 1] (1 for a single-stage model).
    public var stage1ExitShare: Double {
        images > 0 && !stages.isEmpty ? Double(stages[0].exits) / Double(images) : 0
    }

    enum CodingKeys: String, CodingKey {
        case eta, images, top1Correct = "top1_correct", top5Correct = "top5_correct", gflops, stages
    }
}

/// Images a stage decided at one η, and how many of those it classified correctly.
public struct StageExitCount: Codable, Equatable, Sendable {
    public var exits: Int
    public var top1Correct: Int

    public init(exits: Int, top1Correct: Int) {
        self.exits = exits
        self.top1Correct = top1Correct
    }

    enum CodingKeys: String, CodingKey {
        case exits, top1Correct = "top1_correct"
    }
}

/// One timed throughput measurement (real batched early exit at `eta`).
public struct ThroughputResult: Codable, Equatable, Sendable {
    /// nil for a single-stage model.
    public var eta: Double?
    public var batchSize: Int
    public var threads: Int
    public var imagesPerSecond: Double
    public var imagesTimed: Int?
    public var warmupBatches: Int?
    /// What the timer covered ("model forward only, preprocessed tensors in memory").
    public var timerCovers: String?

    public init(eta: Double?, batchSize: Int, threads: Int, imagesPerSecond: Double,
                imagesTimed: Int? = nil, warmupBatches: Int? = nil, timerCovers: String? = nil) {
        self.eta = eta
        self.batchSize = batchSize
        self.threads = threads
        self.imagesPerSecond = imagesPerSecond
        self.imagesTimed = imagesTimed
        self.warmupBatches = warmupBatches
        self.timerCovers = timerCovers
    }

    enum CodingKeys: String, CodingKey {
        case eta, batchSize = "batch_size", threads, imagesPerSecond = "images_per_second"
        case imagesTimed = "images_timed", warmupBatches = "warmup_batches", timerCovers = "timer_covers"
    }
}
