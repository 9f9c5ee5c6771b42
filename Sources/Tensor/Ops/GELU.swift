/// Exact (erf) GELU, `nn.GELU()`: x · ½ · (1 + erf(x/√2)).
public enum GELU {
    /// x: [count] → x (in place)
    public static func inPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        inPlace(x, count: count, lanes: FloatV.self)
    }

    /// Bias add fused with GELU: x[r, :] = gelu(x[r, :] + bias), used after fc1.
    /// x: [rows, width] → x (in place)
    public static func biasInPlace(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                   bias: UnsafePointer<Float>) {
        biasInPlace(x, rows: rows, width: width, bias: bias, lanes: FloatV.self)
    }

    /// Either at a given vector width (tests run every width in any build).
    @inline(__always)
    static func inPlace<V: FloatVector>(_ x: UnsafeMutablePointer<Float>, count: Int, lanes: V.Type) {
        let w = V.scalarCount
        parallelRanges(count, minPerChunk: 4096) { range in
            var j = range.lowerBound
            while j + w <= range.upperBound {
                storeV(apply(loadV(x + j, as: V.self)), x + j)
                j += w
            }
            if j < range.upperBound {
                var v = V()
                let n = range.upperBound - j
                for t in 0..<n { v[t] = x[j + t] }
                let r = apply(v)
                for t in 0..<n { x[j + t] = r[t] }
            }
        }
    }

    @inline(__always)
    static func biasInPlace<V: FloatVector>(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                            bias: UnsafePointer<Float>, lanes: V.Type) {
        let w = V.scalarCount
        parallelRanges(rows, minPerChunk: 4) { range in
            for r in range {
                let row = x + r * width
                var j = 0
                while j + w <= width {
                    storeV(apply(loadV(row + j, as: V.self) + loadV(bias + j, as: V.self)), row + j)
                    j += w
                }
                while j < width {
                    var v = V()
                    v[0] = row[j] + bias[j]
                    row[j] = apply(v)[0]
                    j += 1
                }
            }
        }
    }

    @inline(__always)
    static func apply<V: FloatVector>(_ x: V) -> V {
        x * 0.5 * (1 + erfV(x * 0.707_106_77))
    }
}
