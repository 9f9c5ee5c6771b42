/// Everything that differs between a loaded state dict and the layout a model expects,
/// collected in one pass so the user sees all of it at once (and no model is half loaded).
public struct StateDictMismatch: Error, CustomStringConvertible, Sendable {
    public struct ShapeMismatch: Sendable, Equatable {
        public let key: String
        public let expected: [Int]
        public let found: [Int]
    }

    public let missing: [(key: String, shape: [Int])]
    public let unexpected: [(key: String, shape: [Int])]
    public let shapeMismatches: [ShapeMismatch]
    public let expectedCount: Int
    public let foundCount: Int

    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

    /// Most lines shown per section; the rest is counted.
    public static let linesPerSection = 40

    public var description: String { report(linesPerSection: StateDictMismatch.linesPerSection) }

    /// The summary: keys that differ only in a block index are grouped
    /// (`blocks.{0..11}.attn.qkv.bias [1152]`), each section capped at `linesPerSection`.
    public func report(linesPerSection: Int) -> String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) missing") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected") }
        if !shapeMismatches.isEmpty { parts.append("\(shapeMismatches.count) with another shape") }
        var lines = ["state dict does not match the model (\(expectedCount) keys expected, \(foundCount) in the file): "
                     + parts.joined(separator: ", ")]
        func section(_ title: String, _ entries: [GroupedKeys.Item]) {
            guard !entries.isEmpty else { return }
            let groups = GroupedKeys.group(entries)
            lines.append("\(title):")
            for g in groups.prefix(linesPerSection) { lines.append("  " + g) }
            if groups.count > linesPerSection {
                lines.append("  … and \(groups.count - linesPerSection) more")
            }
        }
        section("missing from the file (\(missing.count))",
                missing.map { GroupedKeys.Item(key: $0.key, suffix: " \($0.shape)") })
        section("not used by the model (\(unexpected.count))",
                unexpected.map { GroupedKeys.Item(key: $0.key, suffix: " \($0.shape)") })
        section("shape differs (\(shapeMismatches.count))",
                shapeMismatches.map { GroupedKeys.Item(key: $0.key, suffix: ": expected \($0.expected), found \($0.found)") })
        if let hint = prefixHint() { lines.append("hint: " + hint) }
        return lines.joined(separator: "\n")
    }

    /// When the two key sets differ only by a leading prefix (`model.`, `backbone.`, …), say
    /// so: that is a naming problem, not a wrong checkpoint.
    private func prefixHint() -> String? {
        guard let m0 = missing.first?.key, let u0 = unexpected.first?.key else { return nil }
        let missingKeys = Set(missing.map(\.key))
        let unexpectedKeys = Set(unexpected.map(\.key))
        for u in unexpected where u.key.count > m0.count && u.key.hasSuffix(m0) {
            let prefix = String(u.key.dropLast(m0.count))
            if missingKeys.allSatisfy({ unexpectedKeys.contains(prefix + $0) }) {
                return "every missing key is in the file with the extra prefix '\(prefix)'"
            }
        }
        for m in missing where m.key.count > u0.count && m.key.hasSuffix(u0) {
            let prefix = String(m.key.dropLast(u0.count))
            if unexpectedKeys.allSatisfy({ missingKeys.contains(prefix + $0) }) {
                return "the file's keys lack the prefix '\(prefix)' that the model's keys carry"
            }
        }
        return nil
    }
}

extension StateDict {
    /// Compares the keys and shapes with `expected`. Returns nil when they match exactly.
    public func mismatch(expected: [(key: String, shape: [Int])]) -> StateDictMismatch? {
        var missing: [(key: String, shape: [Int])] = []
        var mismatched: [StateDictMismatch.ShapeMismatch] = []
        var expectedKeys = Set<String>()
        for (key, shape) in expected where expectedKeys.insert(key).inserted {
            guard let t = self[key] else {
                missing.append((key, shape))
                continue
            }
            if t.shape != shape {
                mismatched.append(.init(key: key, expected: shape, found: t.shape))
            }
        }
        let unexpected = keys.filter { !expectedKeys.contains($0) }.map { (key: $0, shape: self[$0]?.shape ?? []) }
        let result = StateDictMismatch(missing: missing, unexpected: unexpected, shapeMismatches: mismatched,
                                       expectedCount: expectedKeys.count, foundCount: count)
        return result.isEmpty ? nil : result
    }

    /// Throws `StateDictMismatch` listing every missing key, every unexpected key and every
    /// shape mismatch, when the dict is not exactly the `expected` layout.
    public func validate(expected: [(key: String, shape: [Int])]) throws {
        if let m = mismatch(expected: expected) { throw m }
    }
}

/// Groups keys that differ only in numeric path components:
/// `blocks.0.attn.qkv.bias`, …, `blocks.11.attn.qkv.bias` → `blocks.{0..11}.attn.qkv.bias`.
enum GroupedKeys {
    struct Item {
        let key: String
        /// Appended to the rendered key; items group only when suffixes are equal.
        let suffix: String
    }

    private enum Segment: Hashable {
        case text(String)
        case numbers([Int])
    }

    private struct Pattern {
        var segments: [Segment]
        let suffix: String
    }

    static func group(_ items: [Item]) -> [String] {
        var patterns = items.map { item in
            Pattern(segments: item.key.split(separator: ".", omittingEmptySubsequences: false).map { part in
                if part.count <= 9, !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                   part == "0" || !part.hasPrefix("0"), let n = Int(part) {
                    return .numbers([n])
                }
                return .text(String(part))
            }, suffix: item.suffix)
        }
        // Merge patterns that agree everywhere except one numeric position; repeat per
        // position (last first) so nested indices (`stages.1.blocks.3`) group too.
        let maxLength = patterns.map(\.segments.count).max() ?? 0
        for position in stride(from: maxLength - 1, through: 0, by: -1) {
            var merged: [Pattern] = []
            var slot: [String: Int] = [:]
            for p in patterns {
                guard position < p.segments.count, case let .numbers(n) = p.segments[position] else {
                    merged.append(p)
                    continue
                }
                var masked = p.segments
                masked[position] = .text("\u{0}")
                let signature = "\(masked)|\(p.suffix)"
                if let i = slot[signature], case let .numbers(existing) = merged[i].segments[position] {
                    merged[i].segments[position] = .numbers(existing + n)
                } else {
                    slot[signature] = merged.count
                    merged.append(p)
                }
            }
            patterns = merged
        }
        return patterns.map { p in
            p.segments.map { segment -> String in
                switch segment {
                case let .text(t): return t
                case let .numbers(n): return renderNumbers(n)
                }
            }.joined(separator: ".") + p.suffix
        }
    }

    /// `[0, 1, 2, 3, 7]` → `{0..3,7}`; a single number stays bare.
    static func renderNumbers(_ numbers: [Int]) -> String {
        let sorted = Array(Set(numbers)).sorted()
        if sorted.count == 1 { return "\(sorted[0])" }
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            if j - i >= 2 {
                parts.append("\(sorted[i])..\(sorted[j])")
            } else {
                for k in i...j { parts.append("\(sorted[k])") }
            }
            i = j + 1
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
