import Foundation
import Testing
@testable import Harness
import RunStore

struct StoreBenchmarkTests {
    /// The benchmark's fake results must pass the store's validation (distinct top-5, cells
    /// inside the grid, 49 scores), or `repro bench --store` would time an error.
    @Test func writesEveryImageAndCleansUp() throws {
        let r = try StoreBenchmark.run(images: 300, batch: 64)
        #expect(r.images == 300)
        #expect(r.seconds > 0)
        #expect(r.bytes > 300 * 100)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("repro-store-bench-\(getpid())-") }
        #expect(leftovers.isEmpty)
    }

    @Test func resultsAreDistinctAndValid() {
        let flops: [Int64] = [1, 2]
        for p in [0, 1, 48, 49, 999] {
            let r = StoreBenchmark.result(position: p, flops: flops)
            #expect(Set(r.selection!.cells).count == 25)
            for s in r.stages {
                #expect(Set(s.topClasses).count == 5)
                #expect(s.topProbabilities == s.topProbabilities.sorted(by: >))
            }
        }
    }
}
