import Foundation
import Testing
@testable import Harness

/// A suite's throughput point is the median of `passes` timed passes; the setting is checked
/// when the suite is read.
struct ThroughputPassesTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(ThroughputRun.median([5]) == 5)
        #expect(ThroughputRun.median([3, 1, 2]) == 2)
        // One slow pass (a busy minute) does not move the point.
        #expect(ThroughputRun.median([1.0, 9.0, 1.2]) == 1.2)
        #expect(ThroughputRun.median([4, 1, 3, 2]) == 2.5)
    }

    func load(_ throughput: String) throws -> Suite {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("suite-passes-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("s.json")
        try #"{"name": "s", "dataset": {"path": "val"}, "eta": [0.5], "throughput": \#(throughput), "models": [{"name": "v", "preset": "deit-s"}]}"#
            .write(to: url, atomically: true, encoding: .utf8)
        return try SuiteLoader.load(url)
    }

    @Test func passesDefaultToThreeAndAreRead() throws {
        #expect(try load(#"{"batch": 8, "images": 16, "warmup": 1}"#).throughput?.passes == nil)
        #expect(Suite.ThroughputSpec.defaultPasses == 3)
        #expect(try load(#"{"batch": 8, "images": 16, "warmup": 1, "passes": 5}"#).throughput?.passes == 5)
    }

    @Test func impossibleSettingsAreRefusedOnLoad() throws {
        for (spec, message) in [(#"{"batch": 8, "images": 16, "warmup": 1, "passes": 0}"#, "throughput.passes must be at least 1"),
                                (#"{"batch": 0, "images": 16, "warmup": 1}"#, "throughput.batch must be at least 1"),
                                (#"{"batch": 8, "images": 0, "warmup": 1}"#, "throughput.images must be at least 1")] {
            #expect {
                try load(spec)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }
}
