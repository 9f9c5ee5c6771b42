/// Exact (erf) GELU, `nn.GELU()`: x · ½ · (1 + erf(x/√2)).
public enum GELU {
    /// x: [count] → x (in place)
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, minPerChunk: 4096) { range in
            var j = range.lowerBound
            while j + 8 <= range.upperBound {
                store8(apply8(load8(x + j)), x + j)
                j += 8
            }
            if j < range.upperBound {
                var v = Float8()
                let n = range.upperBound - j
                for t in 0..<n { v[t] = x[j + t] }
                let r = apply8(v)
                for t in 0..<n { x[j + t] = r[t] }
            }
        }
    }

    /// Bias add fused with GELU: x[r, :] = gelu(x[r, :] + bias), used after fc1.
    /// x: [rows, width] → x (in place)
    public static func biasInPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                   bias: UnsafePointer<Float>) {
        parallelRanges(rows, minPerChunk: 4) { range in
            for r in range {
                let row = x + r * width
                var j = 0
                while j + 8 <= width {
                    store8(apply8(load8(row + j) + load8(bias + j)), row + j)
                    j += 8
                }
                while j < width {
                    var v = Float8()
                    v[0] = row[j] + bias[j]
                    row[j] = apply8(v)[0]
                    j += 1
                }
            }
        }
    }

    @inline(__always)
    static func apply8(_ x: Float8) -> Float8 {
        x * 0.5 * (1 + erf8(x * 0.707_106_77))
    }
}
