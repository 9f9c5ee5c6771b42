/// LayerNorm over the last dimension, as `torch.nn.LayerNorm`: biased variance, eps inside the
/// square root, then the affine transform.
public enum LayerNorm {
    /// x: [rows, dim] → out: [rows, dim] (out may alias x)
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, dim: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
        _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, minPerChunk: 8) { range in
            for r in range { row(x + r * dim, dim: dim, gamma: gamma, beta: beta, eps: eps, out + r * dim) }
        }
    }

    @inline(__always)
    static func row(_ x: UnsafePointer<Float>, dim: Int, gamma: UnsafePointer<Float>,
                    beta: UnsafePointer<Float>, eps: Float, _ out: UnsafeMutablePointer<Float>) {
        // Two passes (mean, then centred squares) keep the variance accurate without Welford.
        var acc = Float8()
        var j = 0
        while j + 8 <= dim { acc += load8(x + j); j += 8 }
        var sum = horizontalSum(acc)
        while j < dim { sum += x[j]; j += 1 }
        let mean = sum / Float(dim)
        let m8 = Float8(repeating: mean)
        acc = Float8()
        j = 0
        while j + 8 <= dim { let d = load8(x + j) - m8; acc += d * d; j += 8 }
        var sq = horizontalSum(acc)
        while j < dim { let d = x[j] - mean; sq += d * d; j += 1 }
        let rstd = 1 / (sq / Float(dim) + eps).squareRoot()
        let r8 = Float8(repeating: rstd)
        j = 0
        while j + 8 <= dim {
            store8((load8(x + j) - m8) * r8 * load8(gamma + j) + load8(beta + j), out + j)
            j += 8
        }
        while j < dim { out[j] = (x[j] - mean) * rstd * gamma[j] + beta[j]; j += 1 }
    }
}
