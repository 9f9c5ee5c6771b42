/// Max-subtracted softmax along rows.
public enum Softmax {
    /// x: [rows, n] → x (in place)
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        for r in 0..<rows { row(x + r * n, n: n, lanes: FloatV.self) }
    }

    /// Parallel variant for large independent row sets (e.g. logits of a whole batch).
    public static func inPlaceParallel(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
        parallelRanges(rows, minPerChunk: 4) { range in
            for r in range { row(x + r * n, n: n, lanes: FloatV.self) }
        }
    }

    /// One row at a given vector width (tests run every width in any build).
    @inline(__always)
    static func row<V: FloatVector>(_ p: UnsafeMutablePointer<Float>, n: Int, lanes: V.Type) {
        let w = V.scalarCount
        var mv = V(repeating: -.infinity)
        var j = 0
        while j + w <= n { let v = loadV(p + j, as: V.self); mv = mv.replacing(with: v, where: v .> mv); j += w }
        var m = mv.max()
        while j < n { m = max(m, p[j]); j += 1 }
        let mb = V(repeating: m)
        var sv = V()
        j = 0
        while j + w <= n {
            let e = expV(loadV(p + j, as: V.self) - mb)
            storeV(e, p + j)
            sv += e
            j += w
        }
        var s = horizontalSum(sv)
        if j < n {
            // Tail through the same vector exp so every element sees identical arithmetic.
            var tail = V(repeating: -.infinity)
            for t in 0..<(n - j) { tail[t] = p[j + t] - m }
            let e = expV(tail)
            for t in 0..<(n - j) { p[j + t] = e[t]; s += e[t] }
        }
        let inv = 1 / s
        let iv = V(repeating: inv)
        j = 0
        while j + w <= n { storeV(loadV(p + j, as: V.self) * iv, p + j); j += w }
        while j < n { p[j] *= inv; j += 1 }
    }
}
