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
        var acc = FloatV()
        var j = 0
        while j + lanes <= dim { acc += loadV(x + j); j += lanes }
        var sum = horizontalSum(acc)
        while j < dim { sum += x[j]; j += 1 }
        let mean = sum / Float(dim)
        let mv = FloatV(repeating: mean)
        acc = FloatV()
        j = 0
        while j + lanes <= dim { let d = loadV(x + j) - mv; acc += d * d; j += lanes }
        var sq = horizontalSum(acc)
        while j < dim { let d = x[j] - mean; sq += d * d; j += 1 }
        let rstd = 1 / (sq / Float(dim) + eps).squareRoot()
        let rv = FloatV(repeating: rstd)
        j = 0
        while j + lanes <= dim {
            storeV((loadV(x + j) - mv) * rv * loadV(gamma + j) + loadV(beta + j), out + j)
            j += lanes
        }
        while j < dim { out[j] = (x[j] - mean) * rstd * gamma[j] + beta[j]; j += 1 }
    }
}
