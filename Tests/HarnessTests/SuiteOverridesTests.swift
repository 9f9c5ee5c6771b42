import Foundation
import Testing
import ViT
@testable import Harness

/// A suite row's `overrides` set TwoStageConfig fields by their snake_case keys; values other
/// than numbers, strings and booleans are refused when the suite is read.
struct SuiteOverridesTests {
    static let suites = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../experiments/suites").standardizedFileURL

    func write(_ models: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("suite-overrides-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("s.json")
        try #"{"name": "s", "dataset": {"path": "val"}, "eta": [0.5], "models": [\#(models)]}"#
            .write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func overridesReachTheConfig() throws {
        let url = try write("""
            {"name": "cf", "preset": "cf-vit-deit-s-7x7"},
            {"name": "v", "from": "cf", "overrides": {"alpha": 0.4, "random_seed": 7, "region_score": "random",
                                                      "feature_reuse": false, "gca_start_block": 4.0}}
            """)
        let suite = try SuiteLoader.load(url)
        guard case let .twoStage(c) = try SuiteLoader.spec(of: suite.models[1], in: suite) else {
            Issue.record("a CF-ViT row resolves to a two-stage spec")
            return
        }
        #expect(c.alpha == 0.4 && c.randomSeed == 7 && c.regionScore == .random && !c.featureReuse && c.gcaStartBlock == 4)
    }

    @Test func nonScalarOverridesAreRefusedOnLoad() throws {
        for (value, kind) in [("[0.4]", "an array"), ("null", "null"), (#"{"x": 1}"#, "an object")] {
            let url = try write(#"{"name": "cf", "preset": "cf-vit-deit-s-7x7", "overrides": {"alpha": \#(value)}}"#)
            #expect {
                try SuiteLoader.load(url)
            } throws: { error in
                "\(error)".contains("override 'alpha' is \(kind)")
            }
        }
    }

    /// Every committed suite still reads, and every row resolves to a spec.
    @Test func committedSuitesResolve() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.suites.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 9)
        for file in files where !file.hasPrefix("_") {
            let suite = try SuiteLoader.load(Self.suites.appendingPathComponent(file))
            for m in suite.models { _ = try SuiteLoader.spec(of: m, in: suite) }
        }
    }
}
