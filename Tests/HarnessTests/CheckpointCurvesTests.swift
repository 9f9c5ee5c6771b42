import Checkpoint
import Foundation
import Testing
import RunStore
import ViT
@testable import Harness

/// The curves an official checkpoint carries, read from a .pth written by PyTorch
/// (Tests/CheckpointTests/Fixtures/weights/nested.pth, made by experiments/fixtures/make_weight_fixtures.py
/// with `anytime_classification` and `budgeted_batch_classification` as the official
/// evaluation stores them), and from hand-built entries.
@Suite struct CheckpointCurvesTests {
    static let nested = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../CheckpointTests/Fixtures/weights/nested.pth").standardizedFileURL.path

    @Test func curvesFromATorchSavedCheckpoint() throws {
        let extras = try CheckpointFile.load(path: Self.nested).extras
        let points = CheckpointCurves.parse(extras)
        let budgeted = points.filter { $0.curve == .budgeted }
        #expect(budgeted.map(\.point) == [0, 1, 2])
        #expect(budgeted.map(\.eta) == [0, 0.01, 0.02])
        #expect(budgeted.map(\.gflops) == [1.1, 2.2, 3.3])
        #expect(zip(budgeted.map(\.top1), [0.70, 0.755, 0.808]).allSatisfy { abs($0 - $1) < 1e-12 })
        // anytime_classification = [coarse, fine] top-1 (%), with the file's flop list as GFLOPs.
        let anytime = points.filter { $0.curve == .anytime }
        #expect(anytime.map(\.gflops) == [1.1, 4.0])
        #expect(zip(anytime.map(\.top1), [0.7825, 0.808]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func handBuiltEntries() {
        // Safetensors metadata holds strings: the same lists as JSON text.
        let fromText = CheckpointCurves.parse([
            "budgeted_batch_classification": .string("[[1.0, 2.0], [0.5, 0.75]]"),
        ])
        #expect(fromText == [CheckpointCurvePoint(curve: .budgeted, point: 0, eta: 0, gflops: 1, top1: 0.5),
                             CheckpointCurvePoint(curve: .budgeted, point: 1, eta: 0.01, gflops: 2, top1: 0.75)])
        // Lists of unequal length, or not numbers, are not a curve; nothing is invented.
        #expect(CheckpointCurves.parse(["budgeted_batch_classification": .list([.list([.double(1)]), .list([])])]).isEmpty)
        #expect(CheckpointCurves.parse(["anytime_classification": .string("release")]).isEmpty)
        #expect(CheckpointCurves.parse(["flop": .list([.double(1.1), .double(4.0)])]).isEmpty)
        // Without a matching flop list the anytime points have no GFLOPs.
        let anytime = CheckpointCurves.parse(["anytime_classification": .list([.double(75.5), .double(80.8)]),
                                              "flop": .list([.double(1.1)])])
        #expect(anytime.map(\.gflops) == [nil, nil] && anytime.count == 2)
    }
}
