import Testing
import Tensor
@testable import Checkpoint

struct StateDictValidationTests {
    /// The 159-key CF-ViT / LF-ViT DeiT-S layout as listed in spec/cf-vit.md §10.
    static func deitLayout(grid: Int = 7) -> [(key: String, shape: [Int])] {
        let d = 384, mlp = 1536
        var keys: [(key: String, shape: [Int])] = [
            ("cls_token", [1, 1, d]), ("patch_embed.proj.weight", [d, 3, 16, 16]), ("patch_embed.proj.bias", [d]),
            ("pos_embed_list.0", [1, grid * grid + 1, d]), ("pos_embed_list.1", [1, 4 * grid * grid + 1, d]),
        ]
        for i in 0..<12 {
            let b = "blocks.\(i)."
            keys += [(b + "norm1.weight", [d]), (b + "norm1.bias", [d]),
                     (b + "attn.qkv.weight", [3 * d, d]), (b + "attn.qkv.bias", [3 * d]),
                     (b + "attn.proj.weight", [d, d]), (b + "attn.proj.bias", [d]),
                     (b + "norm2.weight", [d]), (b + "norm2.bias", [d]),
                     (b + "mlp.fc1.weight", [mlp, d]), (b + "mlp.fc1.bias", [mlp]),
                     (b + "mlp.fc2.weight", [d, mlp]), (b + "mlp.fc2.bias", [d])]
        }
        keys += [("norm.weight", [d]), ("norm.bias", [d]), ("head.weight", [1000, d]), ("head.bias", [1000]),
                 ("reuse_block.0.weight", [d]), ("reuse_block.0.bias", [d]),
                 ("reuse_block.1.fc1.weight", [mlp, d]), ("reuse_block.1.fc1.bias", [mlp]),
                 ("reuse_block.1.fc2.weight", [d, mlp]), ("reuse_block.1.fc2.bias", [d])]
        return keys
    }

    /// Shape-only stand-ins (one scalar each would not match the shapes, so use zeros).
    static func dict(_ layout: [(key: String, shape: [Int])]) -> StateDict {
        var d = StateDict()
        for (k, s) in layout { d[k] = Tensor(zeros: s) }
        return d
    }

    @Test func exactLayoutPasses() throws {
        let layout = Self.deitLayout()
        #expect(layout.count == 159)
        try Self.dict(layout).validate(expected: layout)
        #expect(Self.dict(layout).mismatch(expected: layout) == nil)
    }

    @Test func reportsEverythingAtOnceGroupedByBlock() {
        var layout = Self.deitLayout()
        // The LV-ViT-like file: no qkv bias, smaller MLP, an extra aux head, and a 9×9 pos embed.
        var file = layout.filter { !$0.key.hasSuffix("attn.qkv.bias") }
        file = file.map { entry in
            if entry.key.hasSuffix("mlp.fc1.weight") { return (entry.key, [1152, 384]) }
            if entry.key == "pos_embed_list.0" { return (entry.key, [1, 82, 384]) }
            return entry
        }
        file.append(("aux_head.weight", [1000, 384]))
        file.append(("aux_head.bias", [1000]))
        layout.append(("blocks.3.attn.qkv.bias", [1152])) // duplicate expectation: counted once
        let m = Self.dict(file).mismatch(expected: layout)
        #expect(m != nil)
        guard let m else { return }
        #expect(m.missing.count == 12)
        #expect(m.unexpected.map(\.key) == ["aux_head.weight", "aux_head.bias"])
        #expect(m.shapeMismatches.count == 13)
        let text = m.description
        #expect(text.contains("12 missing, 2 unexpected, 13 with another shape"))
        #expect(text.contains("  blocks.{0..11}.attn.qkv.bias [1152]"))
        #expect(text.contains("  blocks.{0..11}.mlp.fc1.weight: expected [1536, 384], found [1152, 384]"))
        #expect(text.contains("  pos_embed_list.0: expected [1, 50, 384], found [1, 82, 384]"))
        #expect(text.contains("  aux_head.weight [1000, 384]"))
        // Grouped: a handful of lines, not 27.
        #expect(text.split(separator: "\n").count < 12, "\(text)")
        #expect(throws: StateDictMismatch.self) { try Self.dict(file).validate(expected: layout) }
    }

    @Test func wholeModelMissingStaysReadable() {
        let layout = Self.deitLayout()
        let m = StateDict().mismatch(expected: layout)!
        #expect(m.missing.count == 159)
        let lines = m.description.split(separator: "\n")
        // 12 per-block patterns + 17 others + header + section title.
        #expect(lines.count <= 32, "\(m.description)")
        #expect(m.description.contains("blocks.{0..11}.norm1.weight [384]"))
    }

    @Test func prefixHintWhenOnlyNamingDiffers() {
        let layout = Array(Self.deitLayout().prefix(20))
        let prefixed = layout.map { (key: "backbone." + $0.key, shape: $0.shape) }
        let m = Self.dict(prefixed).mismatch(expected: layout)!
        #expect(m.description.contains("extra prefix 'backbone.'"))
        let m2 = Self.dict(layout).mismatch(expected: prefixed)!
        #expect(m2.description.contains("lack the prefix 'backbone.'"))
    }

    @Test func longSectionsAreCapped() {
        let expected = (0..<100).map { (key: "w\($0)x", shape: [1]) }
        let m = StateDict().mismatch(expected: expected)!
        #expect(m.report(linesPerSection: 10).contains("… and 90 more"))
    }

    @Test func numberRendering() {
        #expect(GroupedKeys.renderNumbers([3]) == "3")
        #expect(GroupedKeys.renderNumbers([0, 1]) == "{0,1}")
        #expect(GroupedKeys.renderNumbers([5, 0, 1, 2, 3, 7, 9, 8]) == "{0..3,5,7..9}")
        let nested = ["stages.0.blocks.0.w", "stages.0.blocks.1.w", "stages.1.blocks.0.w", "stages.1.blocks.1.w"]
        #expect(GroupedKeys.group(nested.map { .init(key: $0, suffix: "") }) == ["stages.{0,1}.blocks.{0,1}.w"])
        // Different inner sets stay apart rather than claim a product that is not there.
        #expect(GroupedKeys.group((nested + ["stages.1.blocks.2.w"]).map { .init(key: $0, suffix: "") })
                == ["stages.0.blocks.{0,1}.w", "stages.1.blocks.{0..2}.w"])
        // Leading zeros are names, not indices.
        #expect(GroupedKeys.group([.init(key: "a.01", suffix: ""), .init(key: "a.1", suffix: "")]) == ["a.01", "a.1"])
    }
}
