import Testing
@testable import Tensor

/// Each fast kernel against its naive Double-precision twin on seeded random inputs.
/// Budgets are per op: absolute error on O(1) data unless stated.
struct KernelParityTests {
    /// Two threads, so that the kernels' split paths run too.
    let compute = ComputeSettings(threads: 2)

    func maxAbs(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        var m: Float = 0
        for i in a.indices { m = max(m, abs(a[i] - b[i])) }
        return m
    }

    // Budget: 2e-5 on K = 384 dot products of N(0,1)·N(0, 1/K)-scaled data (~1e-7 per term).
    @Test(arguments: [(1, 384, 1152), (50, 384, 384), (197, 384, 1536), (7, 13, 5)])
    func linearMatchesNaive(rows: Int, inF: Int, outF: Int) {
        compute.run {
            let x = Tensor.randomNormal([rows, inF], seed: 1).scalars
            let w = Tensor.randomNormal([outF, inF], std: 1 / Float(inF).squareRoot(), seed: 2).scalars
            let b = Tensor.randomNormal([outF], seed: 3).scalars
            var out = [Float](repeating: 0, count: rows * outF)
            Linear.forward(x, rows: rows, inFeatures: inF, weight: w, bias: b, outFeatures: outF, &out)
            #expect(maxAbs(out, Naive.linear(x, rows: rows, inF: inF, w, b, outF: outF)) < 2e-5)

            // Accumulate mode adds onto what is there.
            var acc = [Float](repeating: 1, count: rows * outF)
            Linear.forward(x, rows: rows, inFeatures: inF, weight: w, bias: b, outFeatures: outF, &acc, accumulate: true)
            #expect(maxAbs(acc, out.map { $0 + 1 }) < 1e-5)
        }
    }

    // Budget: 1e-5 (rstd in Float32 on rows with mean ≠ 0).
    @Test(arguments: [384, 32, 13])
    func layerNormMatchesNaive(dim: Int) {
        compute.run {
            let rows = 9
            let x = Tensor.randomNormal([rows, dim], std: 3, seed: 4).scalars.map { $0 + 2 }
            let g = Tensor.randomNormal([dim], seed: 5).scalars
            let b = Tensor.randomNormal([dim], seed: 6).scalars
            var out = [Float](repeating: 0, count: rows * dim)
            LayerNorm.forward(x, rows: rows, dim: dim, gamma: g, beta: b, eps: 1e-6, &out)
            #expect(maxAbs(out, Naive.layerNorm(x, rows: rows, dim: dim, gamma: g, beta: b, eps: 1e-6)) < 1e-5)
        }
    }

    // Budget: 1e-6 on probabilities (vector exp ≈ 2 ulp).
    @Test(arguments: [197, 50, 8, 3, 1000])
    func softmaxMatchesNaive(n: Int) {
        compute.run {
            let rows = 5
            var x = Tensor.randomNormal([rows, n], std: 4, seed: 7).scalars
            let expected = Naive.softmax(x, rows: rows, n: n)
            Softmax.inPlace(&x, rows: rows, n: n)
            #expect(maxAbs(x, expected) < 1e-6)
            for r in 0..<rows {
                let s = x[(r * n)..<((r + 1) * n)].reduce(0, +)
                #expect(abs(s - 1) < 1e-5)
            }
        }
    }

    @Test func softmaxSurvivesExtremeLogits() {
        compute.run {
            var x: [Float] = [1000, -1000, 0, 88, -88, 1000, 3, 4, 5]
            Softmax.inPlace(&x, rows: 1, n: x.count)
            #expect(abs(x[0] - 0.5) < 1e-6 && abs(x[5] - 0.5) < 1e-6)
            #expect(x.allSatisfy { $0.isFinite && $0 >= 0 })
        }
    }

    // Budget: 4e-7·max(1,|y|): A&S erf is within 1.5e-7, scaled by |x|/2 in y, plus ~1 ulp of y.
    @Test func geluMatchesNaive() {
        compute.run {
            var x = Tensor.randomNormal([4099], std: 3, seed: 8).scalars
            x += [0, -0.0, 1e-8, -1e-8, 10, -10, 40, -40]
            let expected = Naive.gelu(x)
            GELU.inPlace(&x, count: x.count)
            for i in x.indices {
                #expect(abs(x[i] - expected[i]) <= 4e-7 * max(1, abs(expected[i])), "at \(i)")
            }
        }
    }

    @Test func geluBiasFusionMatchesSeparateOps() {
        compute.run {
            let rows = 5, width = 37
            let x = Tensor.randomNormal([rows, width], seed: 9).scalars
            let b = Tensor.randomNormal([width], seed: 10).scalars
            var fused = x
            GELU.biasInPlace(&fused, rows: rows, width: width, bias: b)
            let expected = Naive.gelu((0..<(rows * width)).map { x[$0] + b[$0 % width] })
            #expect(maxAbs(fused, expected) < 1e-6)
        }
    }

    // Budget: 2e-6 on outputs and probabilities.
    @Test(arguments: [(2, 50, 6, 64), (1, 197, 6, 64), (3, 17, 2, 16)])
    func attentionMatchesNaive(batch: Int, tokens: Int, heads: Int, headDim: Int) {
        compute.run {
            let dim = heads * headDim
            let qkv = Tensor.randomNormal([batch * tokens, 3 * dim], seed: 11).scalars
            let scale = 1 / Float(headDim).squareRoot()
            var out = [Float](repeating: 0, count: batch * tokens * dim)
            var probs = [Float](repeating: 0, count: batch * heads * tokens * tokens)
            var cls = [Float](repeating: 0, count: batch * heads * tokens)
            let workers = Attention.workers(tasks: batch * heads)
            var scratch = [Float](repeating: 0, count: Attention.scratchCount(tokens: tokens, workers: workers))
            Attention.forward(qkv: qkv, batch: batch, tokens: tokens, heads: heads, headDim: headDim, scale: scale,
                              workers: workers, out: &out, scratch: &scratch, probs: &probs, clsRows: &cls)
            let ref = Naive.attention(qkv, batch: batch, tokens: tokens, heads: heads, headDim: headDim, scale: scale)
            #expect(maxAbs(out, ref.out) < 2e-6)
            #expect(maxAbs(probs, ref.probs) < 2e-6)
            for t in 0..<(batch * heads) {
                #expect(Array(cls[(t * tokens)..<((t + 1) * tokens)]) == Array(probs[(t * tokens * tokens)..<(t * tokens * tokens + tokens)]))
            }
        }
    }

    // Patch embedding and the LV-ViT stem convs as im2col + GEMM vs direct convolution.
    @Test(arguments: [(3, 16, 16, 0, 32, 8), (3, 7, 2, 3, 20, 4), (4, 3, 1, 1, 9, 5), (5, 8, 8, 0, 16, 6)])
    func convMatchesNaive(c: Int, k: Int, s: Int, p: Int, size: Int, co: Int) {
        compute.run {
            let batch = 2
            let x = Tensor.randomNormal([batch, c, size, size], seed: 12).scalars
            let w = Tensor.randomNormal([co, c, k, k], std: 0.2, seed: 13).scalars
            let b = Tensor.randomNormal([co], seed: 14).scalars
            let ho = Conv2D.outputSize(size, kernel: k, stride: s, padding: p)
            var cols = [Float](repeating: 0, count: batch * ho * ho * c * k * k)
            Conv2D.im2colNCHW(x, batch: batch, channels: c, height: size, width: size, kernel: k, stride: s, padding: p, &cols)
            var out = [Float](repeating: 0, count: batch * ho * ho * co)
            Linear.forward(cols, rows: batch * ho * ho, inFeatures: c * k * k, weight: w, bias: b, outFeatures: co, &out)
            let ref = Naive.conv2d(x, batch: batch, channels: c, height: size, width: size, weight: w, bias: b,
                                   outChannels: co, kernel: k, stride: s, padding: p)
            // ref is NCHW; out is NHWC.
            var worst: Float = 0
            for bi in 0..<batch { for o in 0..<co { for y in 0..<ho { for xx in 0..<ho {
                worst = max(worst, abs(out[((bi * ho + y) * ho + xx) * co + o] - ref[((bi * co + o) * ho + y) * ho + xx]))
            } } } }
            #expect(worst < 2e-5)

            // The same convolution from channels-last input.
            var nhwc = [Float](repeating: 0, count: x.count)
            for bi in 0..<batch { for ci in 0..<c { for y in 0..<size { for xx in 0..<size {
                nhwc[((bi * size + y) * size + xx) * c + ci] = x[((bi * c + ci) * size + y) * size + xx]
            } } } }
            var cols2 = [Float](repeating: 0, count: cols.count)
            Conv2D.im2colNHWC(nhwc, batch: batch, channels: c, height: size, width: size, kernel: k, stride: s, padding: p, &cols2)
            #expect(cols2 == cols)
        }
    }

    @Test func batchNormMatchesNaive() {
        compute.run {
            let batch = 2, c = 6, plane = 10
            let x = Tensor.randomNormal([batch, c, plane], seed: 15).scalars
            let mean = Tensor.randomNormal([c], seed: 16).scalars
            let variance = Tensor.randomUniform([c], in: 0.1...3, seed: 17).scalars
            let g = Tensor.randomNormal([c], seed: 18).scalars, b = Tensor.randomNormal([c], seed: 19).scalars
            var nhwc = [Float](repeating: 0, count: x.count)
            for bi in 0..<batch { for ch in 0..<c { for i in 0..<plane { nhwc[(bi * plane + i) * c + ch] = x[(bi * c + ch) * plane + i] } } }
            BatchNorm.evalInPlace(&nhwc, rows: batch * plane, channels: c, mean: mean, variance: variance,
                                  gamma: g, beta: b, eps: 1e-5, relu: true)
            let ref = Naive.batchNorm(x, batch: batch, channels: c, plane: plane, mean: mean, variance: variance,
                                      gamma: g, beta: b, eps: 1e-5, relu: true)
            var worst: Float = 0
            for bi in 0..<batch { for ch in 0..<c { for i in 0..<plane {
                worst = max(worst, abs(nhwc[(bi * plane + i) * c + ch] - ref[(bi * c + ch) * plane + i]))
            } } }
            #expect(worst < 1e-5)
        }
    }

    // Budget: 1e-6 (Float32 source scale vs Double definition).
    @Test(arguments: [(224, 112), (288, 144), (56, 28), (5, 3), (3, 7)])
    func bilinearMatchesNaive(inSize: Int, outSize: Int) {
        compute.run {
            let planes = 3
            let x = Tensor.randomNormal([1, planes, inSize, inSize], seed: 20)
            let fast = Resample.bilinearAlignCorners(x, to: outSize)
            let ref = Naive.bilinearAlignCorners(x.scalars, planes: planes, inH: inSize, inW: inSize, outH: outSize, outW: outSize)
            #expect(maxAbs(fast.scalars, ref) < 2e-6)
            // align_corners keeps the four corners exactly.
            #expect(fast.scalars[0] == x.scalars[0])
            #expect(fast.scalars[outSize * outSize - 1] == x.scalars[inSize * inSize - 1])
        }
    }

    @Test func nearestUpsampleMatchesNCHWDefinition() {
        compute.run {
            let batch = 2, g = 7, dim = 5
            let nchw = Tensor.randomNormal([batch, dim, g, g], seed: 21).scalars
            var tokens = [Float](repeating: 0, count: batch * g * g * dim)
            for b in 0..<batch { for c in 0..<dim { for i in 0..<(g * g) { tokens[(b * g * g + i) * dim + c] = nchw[(b * dim + c) * g * g + i] } } }
            var up = [Float](repeating: 0, count: batch * 4 * g * g * dim)
            Resample.nearest2x(tokens, batch: batch, grid: g, dim: dim, &up)
            let ref = Naive.nearest2xNCHW(nchw, batch: batch, channels: dim, grid: g)
            let f = 2 * g
            for b in 0..<batch { for c in 0..<dim { for i in 0..<(f * f) {
                #expect(up[(b * f * f + i) * dim + c] == ref[(b * dim + c) * f * f + i])
            } } }
        }
    }

    @Test func topKIsStableDescending() {
        let v: [Float] = [0.1, 0.5, 0.5, 0.9, -1, 0.5]
        #expect(Classification.topK(v, 3) == [3, 1, 2])
        #expect(Classification.argsortDescending(v) == [3, 1, 2, 5, 0, 4])
        #expect(Classification.topK(v, 10) == Classification.argsortDescending(v))
    }
}

