// Reporting: the papers' tables and figures from plain Swift values. It knows no SQLite, no
// models and no image pipeline (overlay PNGs go through PNGFile, libpng only); the caller
// (Harness / the repro CLI) reads the store and the suite and fills the input types. Nothing
// here reads the clock, the host or the environment, so the same input always gives the same
// bytes.
//
// Inputs (Input/, all Codable with snake_case keys):
//   SuiteReport        provenance, reported η set, models, paper numbers, Table 1 and table specs
//   ReportProvenance   git revision, date (UTC, from the store), host, threads, BLAS, dataset,
//                      weights checksums, suite, store path
//   ModelResult        one suite row: stages (early exit off), sweep (one point per η; a plain ViT
//                      has one point with no η), throughput measurements, timm columns
//   PaperNumber        a published number beside a row (model, η, top-1, GFLOPs, throughput,
//                      stage-1 / stage-2 top-1 and GFLOPs, source)
//   TableSpec          "a table with these rows and these columns" (ablation tables)
//   PairedComparison   a row against its baseline / main row per η: 2×2 counts, McNemar p,
//                      paired bootstrap interval (computed and stored by the harness)
//   Claim              a paper's claim: quoted text, row, quantity, paper value, test
//   CheckpointCurve    a curve the row's checkpoint file carries (official .pth)
//
// Where the numbers come from in RunStore terms (a guide for the glue, not a dependency):
//   SweepPoint(eta, imageCount, stages[StageExit], top1Correct, top5Correct, expectedGFLOPs)
//       → SweepPointResult(eta, images, top1Correct, top5Correct, gflops, stages: [StageExitCount])
//     (a single-stage run: eta nil)
//   per-stage counts with early exit off (every image through stage s)
//       → StageSummary(gridSide, images, top1Correct, top5Correct, cumulativeFLOPs)
//   ThroughputMeasurement → ThroughputResult(eta, batchSize, threads, imagesPerSecond, …)
//   StageOutput(topClasses, topProbabilities) → StagePrediction(topClasses:topProbabilities:)
//   RegionSelection (Domain) is drawn as it is: RegionOverlay.render(_:selection:)
//
// Outputs:
//   ReportDocuments.render / ReportWriter.write   every document of a suite report
//   Table2, Table1, SpecTable, ExitStatistics, ThroughputTable, ResultCSV   single tables
//   MatchedAccuracyTable, ClaimsTable              Table 2's matched-accuracy and claims sections
//   SuiteFigures, Chart, StackedChart              SVG figures
//   RegionOverlay                                  PNG overlays (on PNGFile's RGBImage)
//   CheckBaseline, RegressionCheck, CheckResult    `repro check`

import Common
