/// Max-subtracted softmax along rows.
public enum Softmax {
    /// x: [rows, n] → x (in place)
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        for r in 0..<rows { row(x + r * n, n: n) }
    }

    /// Parallel variant for large independent row sets (e.g. logits of a whole batch).
    public static func inPlaceParallel(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        parallelRanges(rows, minPerChunk: 4) { range in
            for r in range { row(x + r * n, n: n) }
        }
    }

    @inline(__always)
    static func row(_ p: UnsafeMutablePointer<Float>, n: Int) {
        var m8 = Float8(repeating: -.infinity)
        var j = 0
        while j + 8 <= n { let v = load8(p + j); m8 = m8.replacing(with: v, where: v .> m8); j += 8 }
        var m = m8.max()
        while j < n { m = max(m, p[j]); j += 1 }
        let mv = Float8(repeating: m)
        var s8 = Float8()
        j = 0
        while j + 8 <= n {
            let e = exp8(load8(p + j) - mv)
            store8(e, p + j)
            s8 += e
            j += 8
        }
        var s = horizontalSum(s8)
        if j < n {
            // Tail through the same vector exp so every element sees identical arithmetic.
            var tail = Float8(repeating: -.infinity)
            for t in 0..<(n - j) { tail[t] = p[j + t] - m }
            let e = exp8(tail)
            for t in 0..<(n - j) { p[j + t] = e[t]; s += e[t] }
        }
        let inv = 1 / s
        let i8 = Float8(repeating: inv)
        j = 0
        while j + 8 <= n { store8(load8(p + j) * i8, p + j); j += 8 }
        while j < n { p[j] *= inv; j += 1 }
    }
}
