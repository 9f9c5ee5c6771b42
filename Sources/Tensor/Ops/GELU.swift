/// Exact (erf) GELU, `nn.GELU()`: x · ½ · (1 + erf(x/√2)).
public enum GELU {
    /// x: [count] → x (in place)
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, minPerChunk: 4096) { range in
            var j = range.lowerBound
            while j + lanes <= range.upperBound {
                storeV(apply(loadV(x + j)), x + j)
                j += lanes
            }
            if j < range.upperBound {
                var v = FloatV()
                let n = range.upperBound - j
                for t in 0..<n { v[t] = x[j + t] }
                let r = apply(v)
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
                while j + lanes <= width {
                    storeV(apply(loadV(row + j) + loadV(bias + j)), row + j)
                    j += lanes
                }
                while j < width {
                    var v = FloatV()
                    v[0] = row[j] + bias[j]
                    row[j] = apply(v)[0]
                    j += 1
                }
            }
        }
    }

    @inline(__always)
    static func apply(_ x: FloatV) -> FloatV {
        x * 0.5 * (1 + erfV(x * 0.707_106_77))
    }
}
