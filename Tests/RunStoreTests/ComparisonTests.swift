import Domain
import Foundation
import Testing
import RunStore

/// Paired statistics and the `matched_accuracy` view on a constructed store whose answers are
/// known by hand: 100 images of class 0; the baseline gets images 0..<80 right; the two-stage
/// model's stage 1 gets 0..<60 right with confidence (i + 0.5) / 100, its stage 2 gets 0..<90
/// right. At η = p/100 images i ≥ p exit at stage 1, so top-1 = min(p, 90) + max(0, 60 − p)
/// correct: 60 up to p = 60, then p, then 90. Top-1 ≥ the baseline's 80 first at η 0.80;
/// inside its Wilson interval [71.12 %, 86.67 %] first at η 0.72.
@Suite struct ComparisonTests {
    static func result(_ i: Int, stages: [(correct: Bool, confidence: Float)], flops: [Int64]) -> ImageResult {
        let image = ImageRecord(position: i, relativePath: "c0/\(i).png", classIndex: 0, labelSource: "folder",
                                width: nil, height: nil, fileSize: nil)
        let outputs = stages.enumerated().map { s, o in
            StageOutput(stage: s + 1, topClasses: o.correct ? [0, 1] : [1, 0],
                        topProbabilities: [o.confidence, (1 - o.confidence) / 2], cumulativeFLOPs: flops[s])
        }
        return ImageResult(image: image, stages: outputs)
    }

    static func provenance(_ model: String, stages: Int, mode: RunMode = .accuracy) -> RunProvenance {
        var p = Synthetic.provenance(model: model, stages: stages, mode: mode, spec: "spec-\(model)")
        p.stageFLOPs = stages == 1 ? [4_000_000_000] : [1_000_000_000, 3_500_000_000]
        return p
    }

    /// The store: "base" (1 stage), "two" (2 stages), "never" (2 stages, stage 2 always wrong,
    /// stage 1 right on 0..<50: never reaches 80), with comparisons recorded for both.
    static func store(_ dir: TempDirectory) throws -> (RunStore, base: RunID, two: RunID, never: RunID) {
        let store = try RunStore.open(at: dir.path("pairs.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: 100))
        func run(_ model: String, _ stages: Int, _ make: (Int) -> ImageResult) throws -> RunID {
            let id = try store.createRun(provenance(model, stages: stages), dataset: dataset, startedAt: testDate)
            try store.write((0..<100).map(make), to: id)
            try store.finishRun(id, status: .complete, at: testDate.addingTimeInterval(60))
            try store.computeSweep(for: id)
            return id
        }
        let base = try run("base", 1) { result($0, stages: [($0 < 80, 0.9)], flops: [4_000_000_000]) }
        let two = try run("two", 2) { i in
            result(i, stages: [(i < 60, (Float(i) + 0.5) / 100), (i < 90, 0.95)], flops: [1_000_000_000, 3_500_000_000])
        }
        let never = try run("never", 2) { i in
            result(i, stages: [(i < 50, (Float(i) + 0.5) / 100), (false, 0.95)], flops: [1_000_000_000, 3_500_000_000])
        }
        return (store, base, two, never)
    }

    @Test func pairedCountsAndTestsMatchTheHandCount() throws {
        let dir = try TempDirectory()
        let (store, base, two, _) = try Self.store(dir)
        let stats = try store.recordComparison(two, reference: base, relation: .baseline, etas: [1.0, 0.5], at: testDate)
        #expect(stats.map(\.eta) == [0.5, 1.0])
        // η 0.5: the model gets 0..<60 right, the baseline 0..<80.
        #expect(stats[0].counts == PairedCounts(bothCorrect: 60, onlyModelCorrect: 0, onlyReferenceCorrect: 20, bothWrong: 20))
        #expect(stats[0].mcnemarP == 2 * pow(0.5, 20))
        #expect(stats[0].low < -0.2 && stats[0].high > -0.2 && stats[0].high < 0)
        // η 1.0: every image through stage 2 (0..<90 right).
        #expect(stats[1].counts == PairedCounts(bothCorrect: 80, onlyModelCorrect: 10, onlyReferenceCorrect: 0, bothWrong: 10))
        #expect(stats[1].mcnemarP == 2 * pow(0.5, 10))
        #expect(stats[1].low > 0 && stats[1].low < 0.1 && stats[1].high > 0.1)
        #expect(stats[1].resamples == PairedBootstrap.defaultResamples && stats[1].seed == PairedBootstrap.defaultSeed)
        // Stored rows read back equal, and a recomputation without storing gives the same numbers.
        #expect(try store.pairedStats(of: two, reference: base) == stats)
        #expect(try store.computePairedStats(two, reference: base, etas: [0.5, 1.0]) == stats)
        // A later call adds η and keeps the ones already stored.
        let more = try store.recordComparison(two, reference: base, relation: .baseline, etas: [0.8])
        #expect(more.map(\.eta) == [0.5, 0.8, 1.0])
        #expect(Array(more[0...0]) == [stats[0]] && more[2] == stats[1])
        // SQL sees the same table.
        #expect(try store.database.scalar("""
            SELECT only_run_correct || '/' || only_reference_correct FROM paired_stats WHERE run_id = ? AND eta = 1.0
            """, [.integer(two.rawValue)]) == .text("10/0"))
    }

    @Test func matchedAccuracyViewAgreesWithTheHandCountAndTheSwiftRule() throws {
        let dir = try TempDirectory()
        let (store, base, two, never) = try Self.store(dir)
        try store.recordComparison(two, reference: base, relation: .baseline, etas: [1.0], at: testDate)
        try store.recordComparison(never, reference: base, relation: .baseline, etas: [1.0], at: testDate)
        // Throughput: the model timed at 0.80, the baseline once; the view divides them.
        let dataset = try #require(try store.run(two)).datasetID
        let tputTwo = try store.createRun(Self.provenance("two", stages: 2, mode: .throughput),
                                          dataset: dataset, startedAt: testDate)
        for (eta, ips) in [(0.5, 40.0), (0.8, 25.0)] {
            try store.recordThroughput(ThroughputMeasurement(eta: eta, batchSize: 8, threads: 2, warmupBatches: 1, imagesTimed: 100,
                                                             seconds: 100 / ips, timerCovers: "forward", measuredUTC: testDate), for: tputTwo)
        }
        try store.finishRun(tputTwo, status: .complete, at: testDate.addingTimeInterval(120))
        let tputBase = try store.createRun(Self.provenance("base", stages: 1, mode: .throughput), dataset: dataset, startedAt: testDate)
        try store.recordThroughput(ThroughputMeasurement(eta: nil, batchSize: 8, threads: 2, warmupBatches: 1, imagesTimed: 100,
                                                         seconds: 10, timerCovers: "forward", measuredUTC: testDate), for: tputBase)
        try store.finishRun(tputBase, status: .complete, at: testDate.addingTimeInterval(120))

        let rows = try store.database.query("""
            SELECT model_name, criterion, eta, images, top1, expected_gflops, flops_reduction, images_per_second,
                   baseline_images_per_second, speedup, baseline_model
            FROM matched_accuracy ORDER BY model_name, criterion
            """) { $0.row() }
        #expect(rows.count == 4)
        let two1 = rows[2], two2 = rows[3]
        #expect(two1[0] == .text("two") && two1[1] == .text("at_least_baseline") && two1[2] == .real(0.8))
        #expect(two1[3] == .integer(100) && two1[4] == .real(0.8) && two1[10] == .text("base"))
        // η 0.8: 20 images exit at stage 1 (1.0 G), 80 go on (3.5 G) → 3.0 G, 25 % fewer than 4.0 G.
        #expect(two1[5] == .real(3.0) && two1[6] == .real(0.25))
        #expect(two1[7] == .real(25.0) && two1[8] == .real(10.0) && two1[9] == .real(2.5))
        #expect(two2[1] == .text("within_baseline_ci") && two2[2] == .real(0.72))
        #expect(two2[7] == .null && two2[9] == .null)      // 0.72 was not timed
        // "never" never reaches the baseline: no η, no point.
        #expect(rows[0][0] == .text("never") && rows[0][2] == .null && rows[1][2] == .null)

        // The Swift rule (Domain/Statistics/MatchedAccuracy) gives the same η on the stored sweeps.
        let b = try #require(try store.sweepPoints(of: base).last)
        for (run, expected) in [(two, [0.8, 0.72]), (never, [nil, nil] as [Double?])] {
            let curve = try store.sweepPoints(of: run).map { MatchedAccuracy.Point(eta: $0.eta, correct: $0.top1Correct, images: $0.imageCount) }
            let found = MatchedAccuracy.Criterion.allCases.map {
                MatchedAccuracy.smallestEta(curve, baselineCorrect: b.top1Correct, baselineImages: b.imageCount, criterion: $0)
            }
            #expect(found == expected)
        }
    }

    @Test func checkpointCurvesRoundTrip() throws {
        let dir = try TempDirectory()
        let (store, _, two, _) = try Self.store(dir)
        let points = [
            CheckpointCurvePoint(curve: .budgeted, point: 0, eta: 0, gflops: 1.1, top1: 0.75484),
            CheckpointCurvePoint(curve: .budgeted, point: 1, eta: 0.01, gflops: 1.12, top1: 0.756),
            CheckpointCurvePoint(curve: .anytime, point: 0, eta: nil, gflops: nil, top1: 0.755),
        ]
        try store.recordCheckpointCurves(points, for: two)
        #expect(try store.checkpointCurves(of: two) == [points[2], points[0], points[1]])   // by curve name, then point
        try store.recordCheckpointCurves(Array(points.prefix(1)), for: two)
        #expect(try store.checkpointCurves(of: two) == [points[0]])
    }
}
