/// Resampling kernels: bilinear with align_corners=True (the stage-1 input) and nearest 2×
/// upsampling of token grids (feature reuse).
public enum Resample {
    /// Port of PyTorch's `upsample_bilinear2d` with align_corners=True and no antialias, as the
    /// official CF-ViT / LF-ViT code applies it to the normalized image
    /// (`F.interpolate(x, (16g, 16g), mode='bilinear', align_corners=True)`).
    /// The source scale is computed in Float32, (in−1)/(out−1), as PyTorch does; lerp weights
    /// follow `h0lambda·(w0lambda·a + w1lambda·b) + h1lambda·(…)`. PyTorch's CPU kernel reorders
    /// these products, so results agree to ~1 ulp, not bitwise (spec/lf-vit.md §2 step 5).
    ///
    /// x: [planes, inH, inW] → out: [planes, outH, outW]   (planes = batch·channels)
    public static func bilinearAlignCorners(
        _ x: UnsafePointer<Float>, planes: Int, inH: Int, inW: Int,
        _ out: UnsafeMutablePointer<Float>, outH: Int, outW: Int
    ) {
        let sh: Float = outH > 1 ? Float(inH - 1) / Float(outH - 1) : 0
        let sw: Float = outW > 1 ? Float(inW - 1) / Float(outW - 1) : 0
        // Column taps are shared by every row and plane.
        var w0 = [Int](repeating: 0, count: outW), w1 = w0
        var wl0 = [Float](repeating: 0, count: outW), wl1 = wl0
        for o in 0..<outW {
            let src = sw * Float(o)
            let i0 = Int(src)
            w0[o] = i0
            w1[o] = i0 + (i0 < inW - 1 ? 1 : 0)
            wl1[o] = src - Float(i0)
            wl0[o] = 1 - wl1[o]
        }
        parallelRanges(planes * outH, minPerChunk: 16) { range in
            for idx in range {
                let p = idx / outH, oh = idx % outH
                let src = sh * Float(oh)
                let h0 = Int(src)
                let h1 = h0 + (h0 < inH - 1 ? 1 : 0)
                let hl1 = src - Float(h0), hl0 = 1 - hl1
                let r0 = x + (p * inH + h0) * inW
                let r1 = x + (p * inH + h1) * inW
                let o = out + (p * outH + oh) * outW
                for ow in 0..<outW {
                    let a = wl0[ow] * r0[w0[ow]] + wl1[ow] * r0[w1[ow]]
                    let b = wl0[ow] * r1[w0[ow]] + wl1[ow] * r1[w1[ow]]
                    o[ow] = hl0 * a + hl1 * b
                }
            }
        }
    }

    /// Tensor convenience: [B, C, H, W] → [B, C, size, size].
    public static func bilinearAlignCorners(_ x: Tensor, to size: Int) -> Tensor {
        bilinearAlignCorners(x, height: size, width: size)
    }

    public static func bilinearAlignCorners(_ x: Tensor, height: Int, width: Int) -> Tensor {
        precondition(x.rank >= 2, "bilinear resize needs [..., H, W], got \(x.shape)")
        let inH = x.shape[x.rank - 2], inW = x.shape[x.rank - 1]
        let planes = x.count / max(inH * inW, 1)
        var out = Tensor(zeros: Array(x.shape.dropLast(2)) + [height, width])
        x.withUnsafePointer { xp in
            out.withUnsafeMutablePointer { op in
                bilinearAlignCorners(xp, planes: planes, inH: inH, inW: inW, op, outH: height, outW: width)
            }
        }
        return out
    }

    /// Nearest 2× upsampling of a token grid, as `F.interpolate(mode='nearest')` on [B, D, g, g]
    /// does: fine cell (y, x) copies coarse cell (y/2, x/2). Tokens stay channel-last.
    ///
    /// x: [batch, g·g, dim] → out: [batch, 2g·2g, dim]
    public static func nearest2x(
        _ x: UnsafePointer<Float>, batch: Int, grid g: Int, dim: Int,
        _ out: UnsafeMutablePointer<Float>
    ) {
        let fg = 2 * g
        for b in 0..<batch {
            for fy in 0..<fg {
                for fx in 0..<fg {
                    let src = x + (b * g * g + (fy / 2) * g + fx / 2) * dim
                    (out + (b * fg * fg + fy * fg + fx) * dim).update(from: src, count: dim)
                }
            }
        }
    }
}
