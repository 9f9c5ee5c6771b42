import CPool
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Tensor

/// `parallelFor` runs on the spinning pool (CPool): every index exactly once, on more than one
/// thread when the scope allows it, and callers that find the pool busy (other threads, or a
/// loop nested in a loop) fall back to GCD without losing or repeating an index.
struct ParallelPoolTests {
    /// Counts, per index, how often `parallelFor(count)` ran it, and which threads did.
    private static func runCounts(_ count: Int, threads: Int, work: UInt32 = 0) -> (counts: [Int], threads: Int) {
        let counts = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: count)
        for i in 0..<count { (counts + i).initialize(to: Atomic(0)) }
        defer { counts.deinitialize(count: count); counts.deallocate() }
        let seen = Mutex(Set<UInt>())
        ComputeSettings(threads: threads, strategy: .rowSplit).run {
            parallelFor(count) { i in
                if work > 0 { usleep(work) }
                counts[i].add(1, ordering: .relaxed)
                seen.withLock { _ = $0.insert(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))) }
            }
        }
        return ((0..<count).map { counts[$0].load(ordering: .relaxed) }, seen.withLock { $0.count })
    }

    @Test func everyIndexRunsOnce() {
        for count in [2, 3, 17, 1000] {
            let r = Self.runCounts(count, threads: 2)
            #expect(r.counts == [Int](repeating: 1, count: count), "count \(count)")
        }
        // Wider than the machine: the pool grows, and still runs each index once.
        #expect(Self.runCounts(64, threads: 6).counts == [Int](repeating: 1, count: 64))
    }

    @Test func chunksSpreadOverThreads() {
        // Each chunk sleeps, so the pool's second thread (spinning or woken) takes some of them.
        let r = Self.runCounts(16, threads: 2, work: 2000)
        #expect(r.counts == [Int](repeating: 1, count: 16))
        #expect(r.threads == 2)
        #expect(repro_pool_threads() >= 1)
    }

    @Test func busyPoolFallsBackWithoutLosingWork() {
        // Four callers at once: one holds the pool, the others take GCD; loops nested in a chunk
        // (the pool is held by this very caller) also fall back.
        let callers = 4, count = 200
        let totals = Mutex([Int](repeating: 0, count: callers))
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for _ in 0..<20 {
                let r = Self.runCounts(count, threads: 2)
                totals.withLock { $0[c] += r.counts.reduce(0, +) }
                #expect(r.counts.allSatisfy { $0 == 1 })
            }
        }
        #expect(totals.withLock { $0 } == [Int](repeating: 20 * count, count: callers))
        let inner = Mutex(0)
        ComputeSettings(threads: 2, strategy: .rowSplit).run {
            parallelFor(4) { _ in
                parallelFor(8) { _ in inner.withLock { $0 += 1 } }
            }
        }
        #expect(inner.withLock { $0 } == 32)
    }
}
