/// Convolution as im2col + GEMM. Outputs are channels-last ([B·Ho·Wo, Cout]), which is what
/// the transformer consumes (tokens × features) and what the LV-ViT stem passes between convs.
public enum Conv2D {
    public static func outputSize(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }

    /// x: [B, C, H, W] → cols: [B·Ho·Wo, C·k·k], column order (c, i, j) = PyTorch's weight layout.
    public static func im2colNCHW(
        _ x: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
        kernel k: Int, stride s: Int, padding p: Int, _ cols: UnsafeMutablePointer<Float>
    ) {
        let ho = outputSize(h, kernel: k, stride: s, padding: p)
        let wo = outputSize(w, kernel: k, stride: s, padding: p)
        let width = c * k * k
        parallelRanges(batch * ho, minPerChunk: 2) { range in
            for row in range {
                let b = row / ho, oy = row % ho
                for ox in 0..<wo {
                    let dst = cols + ((b * ho + oy) * wo + ox) * width
                    for ci in 0..<c {
                        let plane = x + (b * c + ci) * h * w
                        for i in 0..<k {
                            let y = oy * s + i - p
                            let d = dst + (ci * k + i) * k
                            if y < 0 || y >= h {
                                d.update(repeating: 0, count: k)
                                continue
                            }
                            let x0 = ox * s - p
                            if p == 0 || (x0 >= 0 && x0 + k <= w) {
                                d.update(from: plane + y * w + x0, count: k)
                            } else {
                                for j in 0..<k {
                                    let xx = x0 + j
                                    d[j] = (xx >= 0 && xx < w) ? plane[y * w + xx] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// x: [B, H, W, C] (channels-last) → cols: [B·Ho·Wo, C·k·k], column order (c, i, j).
    public static func im2colNHWC(
        _ x: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
        kernel k: Int, stride s: Int, padding p: Int, _ cols: UnsafeMutablePointer<Float>
    ) {
        let ho = outputSize(h, kernel: k, stride: s, padding: p)
        let wo = outputSize(w, kernel: k, stride: s, padding: p)
        let width = c * k * k
        parallelRanges(batch * ho, minPerChunk: 2) { range in
            for row in range {
                let b = row / ho, oy = row % ho
                for ox in 0..<wo {
                    let dst = cols + ((b * ho + oy) * wo + ox) * width
                    for i in 0..<k {
                        let y = oy * s + i - p
                        for j in 0..<k {
                            let xx = ox * s + j - p
                            let inside = y >= 0 && y < h && xx >= 0 && xx < w
                            let src = x + ((b * h + y) * w + xx) * c
                            for ci in 0..<c {
                                dst[(ci * k + i) * k + j] = inside ? src[ci] : 0
                            }
                        }
                    }
                }
            }
        }
    }
}

/// BatchNorm2d in eval mode (running statistics) fused with an optional ReLU, on channels-last
/// activations. Arithmetic as PyTorch's CPU eval path: α = γ / √(var + eps), β' = β − mean·α,
/// y = x·α + β'.
public enum BatchNorm {
    /// x: [rows, channels] → x (in place)
    public static func evalInPlace(
        _ x: UnsafeMutablePointer<Float>, rows: Int, channels: Int,
        mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float, relu: Bool
    ) {
        var alpha = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for ch in 0..<channels {
            let invstd = 1 / (variance[ch] + eps).squareRoot()
            alpha[ch] = invstd * gamma[ch]
            shift[ch] = beta[ch] - mean[ch] * alpha[ch]
        }
        alpha.withUnsafeBufferPointer { a in
            shift.withUnsafeBufferPointer { sh in
                let a = a.baseAddress!, sh = sh.baseAddress!
                parallelRanges(rows, minPerChunk: 64) { range in
                    for r in range {
                        let row = x + r * channels
                        for ch in 0..<channels {
                            let v = row[ch] * a[ch] + sh[ch]
                            row[ch] = relu ? max(v, 0) : v
                        }
                    }
                }
            }
        }
    }
}
