import Testing
@testable import Harness

/// The arithmetic of `repro run --plan`: a calibration's first batch (warm-up included) is paid
/// once, the rest of the images at the steady rate of the batches after it.
struct CostEstimateTests {
    let calibration = CostEstimate.Calibration(firstImages: 32, firstSeconds: 3.0, restImages: 64, restSeconds: 4.0)

    @Test func theFirstBatchIsPaidOnceAndTheRestAtTheSteadyRate() {
        #expect(calibration.secondsPerImage == 0.0625)
        // 1000 images: 3 s for the first 32, then 968 × 0.0625 s.
        #expect(calibration.seconds(for: 1000) == 3.0 + 968 * 0.0625)
        #expect(calibration.seconds(for: 0) == 0)
        // Fewer images than the first batch: the steady rate (a resumed tail is not a warm-up).
        #expect(calibration.seconds(for: 16) == 1.0)
    }

    @Test func aCalibrationOfOneBatchExtrapolatesThatBatch() {
        let one = CostEstimate.Calibration(firstImages: 10, firstSeconds: 2.0, restImages: 0, restSeconds: 0)
        #expect(one.secondsPerImage == 0.2)
        #expect(one.seconds(for: 50) == 10.0)
    }

    func estimate(images: [Int], shard: (Int, Int)?) -> CostEstimate {
        CostEstimate(rows: images.enumerated().map { i, n in
            CostEstimate.Row(model: "m\(i)", images: n, recorded: 0, flopsPerImage: 1_000_000_000, calibration: calibration)
        }, listed: images.max() ?? 0, shard: shard, threads: 2, batch: 32)
    }

    @Test func theTotalIsTheSumOfTheRowsAndAShardSaysWhatAllShardsCost() {
        let whole = estimate(images: [1000, 1000], shard: nil)
        #expect(whole.totalSeconds == 2 * (3.0 + 968 * 0.0625))
        let text = whole.render(suite: "s")
        #expect(text.contains("| m0 | 1000 | 0 | 1.000 | 1.000 | 16.0 img/s | 1 min 04 s |"))
        #expect(text.contains("| **total** | 2000 | 0 | | 2.000 | | **2 min 07 s** |"))
        #expect(text.contains("4 machines: about 32 s each"))

        let shard = estimate(images: [250, 250], shard: (1, 4))
        let shardText = shard.render(suite: "s")
        #expect(shardText.contains("shard 1/4: 250 images"))
        // 2 × (3 + 218 × 0.0625) = 33.25 s for this shard; × 4 for all of them.
        #expect(shardText.contains("about 2 min 13 s of machine time"), "\(shardText)")
    }

    @Test func durationsReadAsSecondsMinutesOrHours() {
        #expect(CostEstimate.duration(0.4) == "0.4 s")
        #expect(CostEstimate.duration(59) == "59 s")
        #expect(CostEstimate.duration(754) == "12 min 34 s")
        #expect(CostEstimate.duration(3 * 3600 + 5 * 60 + 10) == "3 h 05 min")
    }
}
