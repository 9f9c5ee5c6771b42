import Foundation
import Testing
@testable import ViT

/// The analytic counter against fvcore 0.1.5 run on the PyTorch reference models
/// (experiments/flops/count_flops.py → Fixtures/flops/fvcore.json): every configuration,
/// every variant (with and without the stage-2 classifier, MAC-only), to the integer.
struct FLOPsFvcoreTests {
    struct Entry: Decodable {
        var kind: String
        var config: JSONValueBox
        var batchnorm: String
        var fvcore: [String: AnyInt]
    }

    /// Keeps the raw JSON of `config` so it can be decoded as ViTConfig or TwoStageConfig.
    struct JSONValueBox: Decodable {
        var data: Data
        init(from decoder: Decoder) throws {
            let any = try decoder.singleValueContainer().decode(AnyJSON.self)
            data = try JSONSerialization.data(withJSONObject: any.value)
        }
    }

    struct AnyJSON: Decodable {
        var value: Any
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { value = b }
            else if let i = try? c.decode(Int.self) { value = i }
            else if let d = try? c.decode(Double.self) { value = d }
            else if let s = try? c.decode(String.self) { value = s }
            else if let a = try? c.decode([AnyJSON].self) { value = a.map(\.value) }
            else { value = try c.decode([String: AnyJSON].self).mapValues(\.value) }
        }
    }

    /// Integers only; the per-operator dictionaries are skipped.
    struct AnyInt: Decodable {
        var value: Int?
        init(from decoder: Decoder) throws { value = try? decoder.singleValueContainer().decode(Int.self) }
    }

    struct File: Decodable { var entries: [String: Entry] }

    static let entries: [String: Entry] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/flops/fvcore.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [:] }
        return file.entries
    }()

    @Test func fileHasEveryConfiguration() {
        #expect(Self.entries.count == 27)
    }

    @Test(arguments: entries.keys.sorted())
    func counterMatchesFvcore(name: String) throws {
        let e = try #require(Self.entries[name])
        let convention: FLOPs.Convention = e.batchnorm == "train" ? .fvcoreTrainBN : .fvcore
        func v(_ key: String) -> Int? { e.fvcore[key]?.value }
        // The fixture's "MAC-only" drops LayerNorm and upsample but keeps BatchNorm; the
        // counter's .macsOnly drops all three. Add the stem's BatchNorm back to compare.
        func bn(_ spec: ModelSpec, twoStageHead: Bool?) throws -> [Int] {
            let report = try FLOPs.report(spec, options: .init(convention: convention, countStage2Classifier: twoStageHead))
            var total = 0
            return report.stages.map { total += $0.flops(.stemBatchNorm) ?? 0; return total }
        }
        func plus(_ a: [Int], _ b: [Int]) -> [Int] { zip(a, b).map(+) }
        if e.kind == "vit" {
            let spec = ModelSpec.vit(try JSONDecoder().decode(ViTConfig.self, from: e.config.data))
            #expect(try FLOPs.count(spec, convention: convention) == [v("total")!], "\(name)")
            #expect(plus(try FLOPs.count(spec, convention: .macsOnly), try bn(spec, twoStageHead: nil)) == [v("mac_only")!],
                    "\(name) MAC-only")
        } else {
            let spec = ModelSpec.twoStage(try JSONDecoder().decode(TwoStageConfig.self, from: e.config.data))
            #expect(try FLOPs.count(spec, convention: convention, countStage2Classifier: true)
                    == [v("stage1")!, v("total")!], "\(name)")
            #expect(try FLOPs.count(spec, convention: convention, countStage2Classifier: false)
                    == [v("stage1")!, v("total_without_focus_head")!], "\(name) without the stage-2 head")
            #expect(plus(try FLOPs.count(spec, convention: .macsOnly, countStage2Classifier: true),
                         try bn(spec, twoStageHead: true)) == [v("stage1_mac_only")!, v("total_mac_only")!], "\(name) MAC-only")
        }
    }
}
