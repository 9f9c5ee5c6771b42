/// Fully connected layer over BLAS: out = x · Wᵀ + b with PyTorch's [out, in] weight layout.
public enum Linear {
    /// x: [rows, inF] · w: [outF, inF]ᵀ (+ b: [outF]) → out: [rows, outF]
    /// With `accumulate`, adds into `out` instead of overwriting it (the residual connections:
    /// x += proj(attn) computed in place, saving a pass over the activations). `scale`
    /// multiplies the layer's output, bias included (LV-ViT's residual branches are halved).
    ///
    /// Under `Compute.strategy == .rowSplit` the rows are split across `Compute.threads`
    /// workers, each calling single-threaded sgemm; otherwise one call with OpenBLAS threads.
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures: Int,
        _ out: UnsafeMutablePointer<Float>, accumulate: Bool = false, scale: Float = 1
    ) {
        let body = { (range: Range<Int>) in
            let m = range.count
            let xr = x + range.lowerBound * inFeatures
            let outr = out + range.lowerBound * outFeatures
            BLAS.sgemm(transA: false, transB: true, m: m, n: outFeatures, k: inFeatures, alpha: scale,
                       a: xr, lda: inFeatures, b: weight, ldb: inFeatures,
                       beta: accumulate ? 1 : 0, c: outr, ldc: outFeatures)
            if let bias { addBias(outr, rows: m, width: outFeatures, bias, scale: scale) }
        }
        if Compute.strategy == .rowSplit {
            // Rows per worker are kept a multiple of 8 where possible so sgemm's micro-kernel
            // tiles are not split across threads.
            parallelRanges(rows, minPerChunk: 16, body)
        } else {
            body(0..<rows)
        }
    }

    /// out[r, :] += bias for every row.
    @inline(__always)
    static func addBias(_ out: UnsafeMutablePointer<Float>, rows: Int, width: Int, _ bias: UnsafePointer<Float>,
                        scale: Float) {
        let s8 = Float8(repeating: scale)
        for r in 0..<rows {
            let o = out + r * width
            var j = 0
            if scale == 1 {
                while j + 8 <= width { store8(load8(o + j) + load8(bias + j), o + j); j += 8 }
                while j < width { o[j] += bias[j]; j += 1 }
            } else {
                while j + 8 <= width { store8(load8(o + j) + s8 * load8(bias + j), o + j); j += 8 }
                while j < width { o[j] += scale * bias[j]; j += 1 }
            }
        }
    }
}
