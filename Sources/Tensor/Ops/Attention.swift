/// Multi-head self-attention core (everything between the qkv and proj linears), timm
/// `Attention.forward` with fused_attn off: softmax((q·kᵀ)·scale)·v per (image, head).
public enum Attention {
    /// Workers `forward` will use for `tasks` = batch·heads problems from the calling thread.
    public static func workers(tasks: Int) -> Int {
        ComputeSettings.current.strategy != .blasThreads ? max(1, min(Compute.availableThreads, tasks)) : 1
    }

    /// Floats of scratch `forward` needs for `tokens` tokens and `workers` workers.
    public static func scratchCount(tokens: Int, workers: Int) -> Int { max(1, workers) * tokens * tokens }

    /// qkv: [batch·tokens, 3·dim] (columns [q | k | v], each head-major, as timm's reshape to
    /// (B, N, 3, H, hd)) → out: [batch·tokens, dim] (heads concatenated, ready for proj).
    /// probs (optional): [batch, heads, tokens, tokens] post-softmax maps.
    /// clsRows (optional): [batch, heads, tokens], row 0 (the class token's query) of each map.
    /// workers: from `workers(tasks:)`, decided once by the caller so that it matches the scratch
    /// it allocated (`scratchCount(tokens:workers:)` floats).
    public static func forward(
        qkv: UnsafePointer<Float>, batch: Int, tokens n: Int, heads: Int, headDim: Int,
        scale: Float, workers: Int,
        out: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>,
        probs: UnsafeMutablePointer<Float>? = nil,
        clsRows: UnsafeMutablePointer<Float>? = nil
    ) {
        let dim = heads * headDim
        let tasks = batch * heads
        let run = { (worker: Int, range: Range<Int>) in
            let s = scratch + worker * n * n
            for task in range {
                let b = task / heads, h = task % heads
                let base = qkv + b * n * 3 * dim + h * headDim
                // S[n, n] = scale · q kᵀ
                BLAS.sgemm(transA: false, transB: true, m: n, n: n, k: headDim, alpha: scale,
                           a: base, lda: 3 * dim, b: base + dim, ldb: 3 * dim,
                           beta: 0, c: s, ldc: n)
                Softmax.inPlace(s, rows: n, n: n)
                if let probs { (probs + task * n * n).update(from: s, count: n * n) }
                if let clsRows { (clsRows + task * n).update(from: s, count: n) }
                // O[n, hd] = S · v, written into this head's columns of out.
                BLAS.sgemm(transA: false, transB: false, m: n, n: headDim, k: n,
                           a: s, lda: n, b: base + 2 * dim, ldb: 3 * dim,
                           beta: 0, c: out + b * n * dim + h * headDim, ldc: dim)
            }
        }
        let workers = min(workers, tasks)
        if workers <= 1 {
            run(0, 0..<tasks)
        } else {
            parallelFor(workers) { w in
                run(w, (tasks * w / workers)..<(tasks * (w + 1) / workers))
            }
        }
    }
}
