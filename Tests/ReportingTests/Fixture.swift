import Foundation
@testable import Reporting

/// A small hand-built suite whose numbers are chosen so that every derived figure can be
/// checked by hand: 200 images; DeiT-S 4.0 G, CF-ViT stages 1.0 G and 3.5 G cumulative.
///
/// CF-ViT at η 0.5: 120 images exit at stage 1 (110 correct), 80 at stage 2 (51 correct) →
/// 161 / 200 = 80.50 %, (120·1.0 + 80·3.5) / 200 = 2.00 G (↓ 50.0 % of 4.00), 18.8 / 10.0 = 1.88×.
/// At η 1.0: all 200 at stage 2, 162 correct → 81.00 %, 3.50 G (↓ 12.5 %), 9.0 / 10.0 = 0.90×.
enum Fixture {
    static let date = Date(timeIntervalSince1970: 1_714_564_800)  // 2024-05-01T12:00:00Z

    static let provenance = ReportProvenance(
        suite: "mini", storePath: "results/results.sqlite", gitRevision: "abc1234", date: date,
        host: "test-host", threads: 2, blas: "OpenBLAS 0.3.21 (pthreads)", datasetPath: "data/mini/val",
        datasetImages: 200,
        weights: [WeightsChecksum(model: "deit-s", sha256: String(repeating: "a", count: 64)),
                  WeightsChecksum(model: "cf-vit", sha256: String(repeating: "b", count: 64))],
        notes: ["runs 1, 2, 3"])

    static let deit = ModelResult(
        name: "deit-s", label: "DeiT-S",
        stages: [StageSummary(gridSide: 14, images: 200, top1Correct: 160, top5Correct: 190, cumulativeFLOPs: 4_000_000_000)],
        sweep: [SweepPointResult(eta: nil, images: 200, top1Correct: 160, top5Correct: 190, gflops: 4.0,
                                 stages: [StageExitCount(exits: 200, top1Correct: 160)])],
        throughput: [ThroughputResult(eta: nil, batchSize: 8, threads: 2, imagesPerSecond: 10.0, imagesTimed: 64,
                                      warmupBatches: 1, timerCovers: "forward")],
        paramCount: 22_050_664, imageSize: 224, cropPct: 0.875, interpolation: "bicubic",
        weightsSHA256: String(repeating: "a", count: 64))

    static let cfvit = ModelResult(
        name: "cf-vit", label: "CF-ViT", baseline: "deit-s",
        stages: [StageSummary(gridSide: 7, images: 200, top1Correct: 146, top5Correct: 185, cumulativeFLOPs: 1_000_000_000),
                 StageSummary(gridSide: 14, images: 200, top1Correct: 162, top5Correct: 190, cumulativeFLOPs: 3_500_000_000)],
        sweep: [
            SweepPointResult(eta: 0.0, images: 200, top1Correct: 146, top5Correct: 185, gflops: 1.0,
                             stages: [StageExitCount(exits: 200, top1Correct: 146), StageExitCount(exits: 0, top1Correct: 0)]),
            SweepPointResult(eta: 0.5, images: 200, top1Correct: 161, top5Correct: 188, gflops: 2.0,
                             stages: [StageExitCount(exits: 120, top1Correct: 110), StageExitCount(exits: 80, top1Correct: 51)]),
            SweepPointResult(eta: 1.0, images: 200, top1Correct: 162, top5Correct: 190, gflops: 3.5,
                             stages: [StageExitCount(exits: 0, top1Correct: 0), StageExitCount(exits: 200, top1Correct: 162)]),
        ],
        throughput: [ThroughputResult(eta: 0.5, batchSize: 8, threads: 2, imagesPerSecond: 18.8, timerCovers: "forward"),
                     ThroughputResult(eta: 1.0, batchSize: 8, threads: 2, imagesPerSecond: 9.0, timerCovers: "forward")],
        paramCount: 22_200_000, imageSize: 224, cropPct: 0.875, interpolation: "bicubic",
        weightsSHA256: String(repeating: "b", count: 64))

    /// An ablation variant with no baseline and only η = 1.0.
    static let negGCA = ModelResult(
        name: "cf-vit-neg", label: "negative GCA", variant: "neg-gca",
        stages: [StageSummary(gridSide: 7, images: 200, top1Correct: 140, top5Correct: 180, cumulativeFLOPs: 1_000_000_000),
                 StageSummary(gridSide: 14, images: 200, top1Correct: 150, top5Correct: 185, cumulativeFLOPs: 3_500_000_000)],
        sweep: [SweepPointResult(eta: 1.0, images: 200, top1Correct: 150, top5Correct: 185, gflops: 3.5,
                                 stages: [StageExitCount(exits: 0, top1Correct: 0), StageExitCount(exits: 200, top1Correct: 150)])],
        reportEtas: [1.0])

    static let paper = [
        PaperNumber(model: "deit-s", top1: 79.8, gflops: 4.6, throughput: 2601, source: "CF-ViT Table 2"),
        PaperNumber(model: "cf-vit", eta: 0.5, top1: 79.8, gflops: 1.8, throughput: 4903, source: "CF-ViT Table 2"),
        PaperNumber(model: "cf-vit", eta: 1.0, top1: 80.8, gflops: 4.0, throughput: 2760, source: "CF-ViT Table 2"),
        PaperNumber(model: "cf-vit", stage1Top1: 75.5, stage2Top1: 80.8, source: "CF-ViT Table 4"),
        PaperNumber(model: "cf-vit-neg", stage1Top1: 74.9, stage2Top1: 77.6, source: "CF-ViT Table 4"),
    ]

    static let table4 = TableSpec(
        id: "table4-region", title: "Table 4: region identification", note: "Early exit off.",
        rows: [TableRowSpec(model: "cf-vit-neg"), TableRowSpec(model: "cf-vit", label: "GCA (ours)")],
        columns: [.stage1Top1, .stage2Top1])

    static var report: SuiteReport {
        SuiteReport(provenance: provenance, title: "Mini suite", etas: [0.5, 1.0], models: [deit, cfvit, negGCA],
                    paper: paper,
                    table1: Table1Spec(rows: [Table1Row(model: "deit-s"), Table1Row(model: "cf-vit", stage: 1)]),
                    tables: [table4])
    }
}
