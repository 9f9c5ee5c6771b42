/// Turning logits into decisions: softmax probabilities, confidence, top-k.
public enum Classification {
    /// Probabilities of one logits row (max-subtracted softmax, Float32).
    public static func probabilities(_ logits: ArraySlice<Float>) -> [Float] {
        var p = Array(logits)
        p.withUnsafeMutableBufferPointer { Softmax.inPlace($0.baseAddress!, rows: 1, n: $0.count) }
        return p
    }

    /// Indices of the k largest values, largest first; ties go to the lower index (as a stable
    /// descending sort does).
    public static func topK(_ values: [Float], _ k: Int) -> [Int] {
        let k = min(k, values.count)
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for i in values.indices {
            // Insert i after every kept index whose value is ≥ values[i] (stability).
            if best.count == k, let last = best.last, !(values[i] > values[last]) { continue }
            var pos = best.count
            while pos > 0 && values[i] > values[best[pos - 1]] { pos -= 1 }
            best.insert(i, at: pos)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// All indices ordered by descending value, ties by ascending index.
    public static func argsortDescending(_ values: [Float]) -> [Int] {
        values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    }
}
