import Tensor
import Testing
@testable import Harness

struct BatchPaddingTests {
    @Test func aShortBatchIsFilledWithCopiesOfItsLastImageAndAFullOneIsLeftAlone() {
        let images = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        let padded = BatchPadding.padded(images, keys: [10, 11], to: 4)
        #expect(padded.images.shape == [4, 1, 1, 2])
        #expect(padded.images.scalars == [1, 2, 3, 4, 3, 4, 3, 4])
        #expect(padded.keys == [10, 11, 11, 11])
        let full = BatchPadding.padded(images, keys: [10, 11], to: 2)
        #expect(full.images == images && full.keys == [10, 11])
    }

    /// The bundled models (real widths; the tiny test models do not show it): the last images
    /// of a batch, evaluated on their own but padded to the batch size, give bit for bit the
    /// outputs they get inside the full batch. That is what lets shards merge exactly.
    @Test func paddedShortBatchesGiveTheOutputsOfTheFullBatch() throws {
        var options = RunOptions()
        options.mode = .accuracy
        options.batch = 8
        let plan = try SuitePlan.make(suiteName: "table2", options: options)
        for row in plan.rows {
            let model = try LoadedModel(name: row.model.name, spec: row.spec, weights: row.weights,
                                        preprocessing: row.preprocessing)
            let size = row.spec.backbone.imageSize
            let per = 3 * size * size
            let images = Tensor.randomNormal([8, 3, size, size], seed: 14)
            let keys = (0..<8).map { UInt64(990 + $0) }
            let full = model.evaluate(images, keys: keys)
            let tail = Tensor(shape: [2, 3, size, size], scalars: Array(images.scalars[(6 * per)...]))
            let input = BatchPadding.padded(tail, keys: Array(keys[6...]), to: 8)
            let alone = Array(model.evaluate(input.images, keys: input.keys).prefix(2))
            for (a, b) in zip(full[6...], alone) {
                #expect(a.topClasses == b.topClasses, "\(row.model.name)")
                #expect(a.topProbabilities == b.topProbabilities, "\(row.model.name)")
                #expect(a.selection?.cells == b.selection?.cells, "\(row.model.name)")
                #expect(a.selection?.gcaScores == b.selection?.gcaScores, "\(row.model.name)")
            }
        }
    }
}
