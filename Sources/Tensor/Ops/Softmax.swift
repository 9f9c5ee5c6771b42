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
        var mv = FloatV(repeating: -.infinity)
        var j = 0
        while j + lanes <= n { let v = loadV(p + j); mv = mv.replacing(with: v, where: v .> mv); j += lanes }
        var m = mv.max()
        while j < n { m = max(m, p[j]); j += 1 }
        let mb = FloatV(repeating: m)
        var sv = FloatV()
        j = 0
        while j + lanes <= n {
            let e = expV(loadV(p + j) - mb)
            storeV(e, p + j)
            sv += e
            j += lanes
        }
        var s = horizontalSum(sv)
        if j < n {
            // Tail through the same vector exp so every element sees identical arithmetic.
            var tail = FloatV(repeating: -.infinity)
            for t in 0..<(n - j) { tail[t] = p[j + t] - m }
            let e = expV(tail)
            for t in 0..<(n - j) { p[j + t] = e[t]; s += e[t] }
        }
        let inv = 1 / s
        let iv = FloatV(repeating: inv)
        j = 0
        while j + lanes <= n { storeV(loadV(p + j) * iv, p + j); j += lanes }
        while j < n { p[j] *= inv; j += 1 }
    }
}
