/// LayerNorm over the last dimension, as `torch.nn.LayerNorm`: biased variance, eps inside the
/// square root, then the affine transform.
public enum LayerNorm {
    /// x: [rows, dim] → out: [rows, dim] (out may alias x)
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, dim: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
        _ out: UnsafeMutablePointer<Float>
    ) {
        forward(x, rows: rows, dim: dim, gamma: gamma, beta: beta, eps: eps, out, lanes: FloatV.self)
    }

    /// At a given vector width (tests run every width in any build).
    @inline(__always)
    static func forward<V: FloatVector>(
        _ x: UnsafePointer<Float>, rows: Int, dim: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
        _ out: UnsafeMutablePointer<Float>, lanes: V.Type
    ) {
        parallelRanges(rows, minPerChunk: 8) { range in
            for r in range {
                row(x + r * dim, dim: dim, gamma: gamma, beta: beta, eps: eps, out + r * dim, lanes: V.self)
            }
        }
    }

    @inline(__always)
    static func row<V: FloatVector>(_ x: UnsafePointer<Float>, dim: Int, gamma: UnsafePointer<Float>,
                                    beta: UnsafePointer<Float>, eps: Float, _ out: UnsafeMutablePointer<Float>,
                                    lanes: V.Type) {
        let w = V.scalarCount
        // Two passes (mean, then centred squares) keep the variance accurate without Welford.
        var acc = V()
        var j = 0
        while j + w <= dim { acc += loadV(x + j, as: V.self); j += w }
        var sum = horizontalSum(acc)
        while j < dim { sum += x[j]; j += 1 }
        let mean = sum / Float(dim)
        let mv = V(repeating: mean)
        acc = V()
        j = 0
        while j + w <= dim { let d = loadV(x + j, as: V.self) - mv; acc += d * d; j += w }
        var sq = horizontalSum(acc)
        while j < dim { let d = x[j] - mean; sq += d * d; j += 1 }
        let rstd = 1 / (sq / Float(dim) + eps).squareRoot()
        let rv = V(repeating: rstd)
        j = 0
        while j + w <= dim {
            storeV((loadV(x + j, as: V.self) - mv) * rv * loadV(gamma + j, as: V.self) + loadV(beta + j, as: V.self), out + j)
            j += w
        }
        while j < dim { out[j] = (x[j] - mean) * rstd * gamma[j] + beta[j]; j += 1 }
    }
}
