import CGEMM

/// Fully connected layer over BLAS: out = x · Wᵀ + b with PyTorch's [out, in] weight layout.
public enum Linear {
    /// x: [rows, inF] · w: [outF, inF]ᵀ (+ b: [outF]) → out: [rows, outF]
    /// With `accumulate`, adds into `out` instead of overwriting it (the residual connections:
    /// x += proj(attn) computed in place, saving a pass over the activations). `scale`
    /// multiplies the layer's output, bias included (LV-ViT's residual branches are halved).
    ///
    /// Unless OpenBLAS owns the threads (`.blasThreads`), the work is split across the threads
    /// available to the caller, each calling single-threaded sgemm.
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures: Int,
        _ out: UnsafeMutablePointer<Float>, accumulate: Bool = false, scale: Float = 1
    ) {
        if ComputeSettings.current.strategy != .blasThreads && Compute.availableThreads > 1 {
            // Split the output features, not the rows: each worker then packs only its share of
            // the weight matrix, which dominates the cost when there are few rows (batch 1: 197
            // tokens against 384×1536 weights). With many rows, split rows instead.
            if rows >= 1024 {
                parallelRanges(rows, minPerChunk: 64) { range in
                    gemm(x + range.lowerBound * inFeatures, rows: range.count, inFeatures: inFeatures,
                         weight: weight, bias: bias, columns: 0..<outFeatures, outFeatures: outFeatures,
                         out + range.lowerBound * outFeatures, accumulate: accumulate, scale: scale)
                }
            } else {
                // Column chunks are multiples of 16 so that sgemm's micro-tiles stay whole.
                let blocks = (outFeatures + 15) / 16
                parallelRanges(blocks, minPerChunk: 2) { range in
                    let cols = (range.lowerBound * 16)..<min(outFeatures, range.upperBound * 16)
                    gemm(x, rows: rows, inFeatures: inFeatures, weight: weight, bias: bias, columns: cols,
                         outFeatures: outFeatures, out, accumulate: accumulate, scale: scale)
                }
            }
        } else {
            gemm(x, rows: rows, inFeatures: inFeatures, weight: weight, bias: bias, columns: 0..<outFeatures,
                 outFeatures: outFeatures, out, accumulate: accumulate, scale: scale)
        }
    }

    /// The same with a packed weight (`LinearWeight`): x: [rows, inF] → out: [rows, outF].
    /// Split as above: rows for many rows, whole panels of output columns otherwise.
    public static func forward(
        _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: LinearWeight, bias: UnsafePointer<Float>?, outFeatures: Int,
        _ out: UnsafeMutablePointer<Float>, accumulate: Bool = false, scale: Float = 1
    ) {
        precondition(weight.inFeatures == inFeatures && weight.outFeatures == outFeatures)
        guard let packed = weight.packed else {
            weight.values.withUnsafeBufferPointer {
                forward(x, rows: rows, inFeatures: inFeatures, weight: $0.baseAddress!, bias: bias,
                        outFeatures: outFeatures, out, accumulate: accumulate, scale: scale)
            }
            return
        }
        let nr = weight.panelWidth, panels = weight.panels
        // out[rows r, panels p] for one share of the work.
        func run(_ r: Range<Int>, _ p: Range<Int>) {
            guard !r.isEmpty, !p.isEmpty else { return }
            let o = out + r.lowerBound * outFeatures
            // The kernel adds scale·bias in its last store, as `addBias` does after sgemm.
            repro_gemm_packed(Int32(r.count), Int32(outFeatures), Int32(inFeatures), scale,
                              x + r.lowerBound * inFeatures, Int32(inFeatures), packed, Int32(nr),
                              Int32(p.lowerBound), Int32(p.upperBound), accumulate ? 1 : 0, bias, o, Int32(outFeatures))
        }
        // Split whatever the strategy: this kernel has no threads of its own (`.blasThreads`
        // gives OpenBLAS's threads to the calls that still go to OpenBLAS).
        if Compute.availableThreads > 1 {
            if rows >= 1024 {
                parallelRanges(rows, minPerChunk: 64) { run($0, 0..<panels) }
            } else {
                parallelRanges(panels, minPerChunk: 2) { run(0..<rows, $0) }
            }
        } else {
            run(0..<rows, 0..<panels)
        }
    }

    /// out[:, cols] (=|+=) scale·(x · w[cols, :]ᵀ + b[cols]) for one block of rows.
    @inline(__always)
    static func gemm(_ x: UnsafePointer<Float>, rows m: Int, inFeatures: Int, weight: UnsafePointer<Float>,
                     bias: UnsafePointer<Float>?, columns: Range<Int>, outFeatures: Int,
                     _ out: UnsafeMutablePointer<Float>, accumulate: Bool, scale: Float) {
        let n = columns.count
        guard m > 0, n > 0 else { return }
        let c = out + columns.lowerBound
        BLAS.sgemm(transA: false, transB: true, m: m, n: n, k: inFeatures, alpha: scale,
                   a: x, lda: inFeatures, b: weight + columns.lowerBound * inFeatures, ldb: inFeatures,
                   beta: accumulate ? 1 : 0, c: c, ldc: outFeatures)
        if let bias { addBias(c, rows: m, width: n, stride: outFeatures, bias + columns.lowerBound, scale: scale) }
    }

    /// out[r, :] += bias for every row.
    @inline(__always)
    static func addBias(_ out: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int,
                        _ bias: UnsafePointer<Float>, scale: Float) {
        let sv = FloatV(repeating: scale), w = lanes
        for r in 0..<rows {
            let o = out + r * stride
            var j = 0
            if scale == 1 {
                while j + w <= width { storeV(loadV(o + j) + loadV(bias + j), o + j); j += w }
                while j < width { o[j] += bias[j]; j += 1 }
            } else {
                while j + w <= width { storeV(loadV(o + j) + sv * loadV(bias + j), o + j); j += w }
                while j < width { o[j] += scale * bias[j]; j += 1 }
            }
        }
    }
}
