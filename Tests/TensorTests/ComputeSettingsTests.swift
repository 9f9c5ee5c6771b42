import Foundation
import Testing
@testable import Tensor

/// The compute settings are a value: a scope installs them for the calling thread, hands them to
/// the worker threads of `parallelFor`, and gives the outer scope back; outside every scope the
/// code runs single-threaded.
struct ComputeSettingsTests {
    @Test func threadsAreAtLeastOne() throws {
        #expect(ComputeSettings(threads: 0).threads == 1)
        #expect(ComputeSettings(threads: -3, strategy: .images).threads == 1)
        let decoded = try JSONDecoder().decode(ComputeSettings.self, from: Data(#"{"threads": 0, "strategy": "rows"}"#.utf8))
        #expect(decoded == ComputeSettings(threads: 1, strategy: .rowSplit))
        let text = String(decoding: try JSONEncoder().encode(ComputeSettings(threads: 3, strategy: .blasThreads)), as: UTF8.self)
        #expect(text.contains(#""strategy":"blas""#) && text.contains(#""threads":3"#))
    }

    @Test func imageSplitFollowsTheStrategy() {
        #expect(!ComputeSettings(threads: 1, strategy: .images).splitsImages(batch: 32))
        #expect(ComputeSettings(threads: 2, strategy: .images).splitsImages(batch: 2))
        #expect(!ComputeSettings(threads: 2, strategy: .images).splitsImages(batch: 1))
        // auto: two images per thread or more.
        #expect(ComputeSettings(threads: 2, strategy: .auto).splitsImages(batch: 4))
        #expect(!ComputeSettings(threads: 2, strategy: .auto).splitsImages(batch: 3))
        #expect(!ComputeSettings(threads: 4, strategy: .rowSplit).splitsImages(batch: 64))
        #expect(!ComputeSettings(threads: 4, strategy: .blasThreads).splitsImages(batch: 64))
        // Never from inside an image worker.
        Compute.asWorker { #expect(!ComputeSettings(threads: 2, strategy: .images).splitsImages(batch: 8)) }
    }

    @Test func scopesNestAndRestore() {
        #expect(ComputeSettings.current == ComputeSettings())
        #expect(Compute.availableThreads == 1)
        let outer = ComputeSettings(threads: 3, strategy: .rowSplit)
        let inner = ComputeSettings(threads: 5, strategy: .images)
        outer.run {
            #expect(ComputeSettings.current == outer)
            #expect(Compute.availableThreads == 3)
            inner.run { #expect(ComputeSettings.current == inner) }
            #expect(ComputeSettings.current == outer)
            Compute.asWorker { #expect(Compute.availableThreads == 1) }
        }
        #expect(ComputeSettings.current == ComputeSettings())
    }

    /// Every chunk of a parallel loop sees the caller's settings, on whichever thread it runs,
    /// and no GCD thread keeps them afterwards.
    @Test func workersRunUnderTheCallersScope() {
        let settings = ComputeSettings(threads: 2, strategy: .blasThreads)
        let chunks = 64
        var seen = [ComputeSettings?](repeating: nil, count: chunks)
        seen.withUnsafeMutableBufferPointer { seen in
            settings.run {
                parallelFor(chunks) { i in
                    usleep(200)  // long enough for a second thread to take chunks
                    seen[i] = ComputeSettings.current
                }
            }
        }
        #expect(seen.allSatisfy { $0 == settings })
        var after = [ComputeSettings?](repeating: nil, count: chunks)
        after.withUnsafeMutableBufferPointer { after in
            DispatchQueue.concurrentPerform(iterations: chunks) { i in after[i] = ComputeSettings.current }
        }
        #expect(after.allSatisfy { $0 == ComputeSettings() })
    }

    @Test func summaryKeepsItsFormat() {
        let s = ComputeSettings(threads: 2, strategy: .rowSplit).summary
        #expect(s.hasPrefix("threads=2 strategy=rows simd=\(Compute.codeGeneration) gemm=\(LinearWeight.kernel) loops=\(Compute.loopThreads) blas="))
        #expect(s.contains(" blas_core=detected="))
        #expect(ComputeSettings(threads: 4, strategy: .images).summary.hasPrefix("threads=4 strategy=images "))
    }
}
