import Foundation

/// Naive twins of the fast kernels: straight loops in Double from the textbook definitions.
/// They are the test oracle for the SIMD / BLAS paths and are never used by the models.
public enum Naive {
    /// x: [rows, inF], w: [outF, inF], b: [outF] → [rows, outF]
    public static func linear(_ x: [Float], rows: Int, inF: Int, _ w: [Float], _ b: [Float]?, outF: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var acc = Double(b?[o] ?? 0)
                for i in 0..<inF { acc += Double(x[r * inF + i]) * Double(w[o * inF + i]) }
                out[r * outF + o] = Float(acc)
            }
        }
        return out
    }

    /// x: [rows, dim] → [rows, dim]
    public static func layerNorm(_ x: [Float], rows: Int, dim: Int, gamma: [Float], beta: [Float], eps: Float) -> [Float] {
        var out = x
        for r in 0..<rows {
            let row = (0..<dim).map { Double(x[r * dim + $0]) }
            let mean = row.reduce(0, +) / Double(dim)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(dim)
            let rstd = 1 / (variance + Double(eps)).squareRoot()
            for j in 0..<dim {
                out[r * dim + j] = Float((row[j] - mean) * rstd * Double(gamma[j]) + Double(beta[j]))
            }
        }
        return out
    }

    /// x: [rows, n] → [rows, n]
    public static func softmax(_ x: [Float], rows: Int, n: Int) -> [Float] {
        var out = x
        for r in 0..<rows {
            let row = (0..<n).map { Double(x[r * n + $0]) }
            let m = row.max() ?? 0
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            for j in 0..<n { out[r * n + j] = Float(e[j] / s) }
        }
        return out
    }

    public static func gelu(_ x: [Float]) -> [Float] {
        x.map { v in
            let d = Double(v)
            return Float(d * 0.5 * (1 + erf(d / 2.0.squareRoot())))
        }
    }

    /// qkv: [B·N, 3·D] → (out: [B·N, D], probs: [B, H, N, N])
    public static func attention(_ qkv: [Float], batch: Int, tokens n: Int, heads: Int, headDim: Int,
                                 scale: Float) -> (out: [Float], probs: [Float]) {
        let dim = heads * headDim
        var out = [Float](repeating: 0, count: batch * n * dim)
        var probs = [Float](repeating: 0, count: batch * heads * n * n)
        for b in 0..<batch {
            for h in 0..<heads {
                func q(_ t: Int, _ d: Int) -> Double { Double(qkv[(b * n + t) * 3 * dim + h * headDim + d]) }
                func k(_ t: Int, _ d: Int) -> Double { Double(qkv[(b * n + t) * 3 * dim + dim + h * headDim + d]) }
                func v(_ t: Int, _ d: Int) -> Double { Double(qkv[(b * n + t) * 3 * dim + 2 * dim + h * headDim + d]) }
                for i in 0..<n {
                    var s = [Double](repeating: 0, count: n)
                    for j in 0..<n {
                        var acc = 0.0
                        for d in 0..<headDim { acc += q(i, d) * k(j, d) }
                        s[j] = acc * Double(scale)
                    }
                    let m = s.max()!
                    let e = s.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    let p = e.map { $0 / total }
                    for j in 0..<n { probs[((b * heads + h) * n + i) * n + j] = Float(p[j]) }
                    for d in 0..<headDim {
                        var acc = 0.0
                        for j in 0..<n { acc += p[j] * v(j, d) }
                        out[(b * n + i) * dim + h * headDim + d] = Float(acc)
                    }
                }
            }
        }
        return (out, probs)
    }

    /// Direct convolution. x: [B, C, H, W], w: [Cout, C, k, k], b: [Cout] → [B, Cout, Ho, Wo]
    public static func conv2d(_ x: [Float], batch: Int, channels c: Int, height h: Int, width w: Int,
                              weight: [Float], bias: [Float]?, outChannels co: Int,
                              kernel k: Int, stride s: Int, padding p: Int) -> [Float] {
        let ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1
        var out = [Float](repeating: 0, count: batch * co * ho * wo)
        for b in 0..<batch {
            for o in 0..<co {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc = Double(bias?[o] ?? 0)
                        for ci in 0..<c {
                            for i in 0..<k {
                                for j in 0..<k {
                                    let y = oy * s + i - p, xx = ox * s + j - p
                                    guard y >= 0, y < h, xx >= 0, xx < w else { continue }
                                    acc += Double(x[((b * c + ci) * h + y) * w + xx]) * Double(weight[((o * c + ci) * k + i) * k + j])
                                }
                            }
                        }
                        out[((b * co + o) * ho + oy) * wo + ox] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    /// BatchNorm2d eval on [B, C, H, W] (+ ReLU).
    public static func batchNorm(_ x: [Float], batch: Int, channels c: Int, plane: Int, mean: [Float],
                                 variance: [Float], gamma: [Float], beta: [Float], eps: Float, relu: Bool) -> [Float] {
        var out = x
        for b in 0..<batch {
            for ch in 0..<c {
                for i in 0..<plane {
                    let idx = (b * c + ch) * plane + i
                    var v = (Double(x[idx]) - Double(mean[ch])) / (Double(variance[ch]) + Double(eps)).squareRoot()
                    v = v * Double(gamma[ch]) + Double(beta[ch])
                    out[idx] = Float(relu ? max(v, 0) : v)
                }
            }
        }
        return out
    }

    /// Bilinear, align_corners=True, from the definition in Double. x: [P, H, W] → [P, oh, ow]
    public static func bilinearAlignCorners(_ x: [Float], planes: Int, inH: Int, inW: Int, outH: Int, outW: Int) -> [Float] {
        var out = [Float](repeating: 0, count: planes * outH * outW)
        for p in 0..<planes {
            // Source coordinates in Float32 as the definition PyTorch uses (scale = (in−1)/(out−1)
            // rounded to float, times o in float); the blend itself in Double.
            let scaleY: Float = outH > 1 ? Float(inH - 1) / Float(outH - 1) : 0
            let scaleX: Float = outW > 1 ? Float(inW - 1) / Float(outW - 1) : 0
            for oy in 0..<outH {
                let sy = Double(scaleY * Float(oy))
                let y0 = Int(sy.rounded(.down)), y1 = min(y0 + 1, inH - 1), ly = sy - Double(y0)
                for ox in 0..<outW {
                    let sx = Double(scaleX * Float(ox))
                    let x0 = Int(sx.rounded(.down)), x1 = min(x0 + 1, inW - 1), lx = sx - Double(x0)
                    func at(_ y: Int, _ xx: Int) -> Double { Double(x[(p * inH + y) * inW + xx]) }
                    let v = (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1))
                    out[(p * outH + oy) * outW + ox] = Float(v)
                }
            }
        }
        return out
    }

    /// Nearest 2× upsample of a [B, D, g, g] grid → [B, D, 2g, 2g] (PyTorch layout).
    public static func nearest2xNCHW(_ x: [Float], batch: Int, channels: Int, grid g: Int) -> [Float] {
        let f = 2 * g
        var out = [Float](repeating: 0, count: batch * channels * f * f)
        for b in 0..<batch {
            for c in 0..<channels {
                for y in 0..<f {
                    for xx in 0..<f {
                        out[((b * channels + c) * f + y) * f + xx] = x[((b * channels + c) * g + y / 2) * g + xx / 2]
                    }
                }
            }
        }
        return out
    }
}
