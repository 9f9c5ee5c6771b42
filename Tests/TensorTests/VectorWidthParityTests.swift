import Testing
@testable import Tensor

/// The element-wise kernels at each vector width against their naive twins, whatever width this
/// build runs (`FloatV`): an AVX2 build and an AVX-512 build differ only in the width, so this
/// covers the arithmetic of both paths on any machine. The budgets are those of
/// KernelParityTests.
struct VectorWidthParityTests {
    init() { Compute.configure(threads: 2) }

    enum Width: Int, CaseIterable, CustomTestStringConvertible {
        case eight = 8, sixteen = 16
        var testDescription: String { "\(rawValue) lanes" }
    }

    func maxAbs(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func buildWidthIsOneOfThem() {
        #expect(Width(rawValue: FloatV.scalarCount) != nil)
        #if REPRO_AVX512
        #expect(FloatV.scalarCount == 16)
        #else
        #expect(FloatV.scalarCount == 8)
        #endif
    }

    @Test(arguments: Width.allCases, [197, 50, 16, 8, 3, 1000])
    func softmax(width: Width, n: Int) {
        let rows = 4
        var x = Tensor.randomNormal([rows, n], std: 4, seed: 21).scalars
        let expected = Naive.softmax(x, rows: rows, n: n)
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                switch width {
                case .eight: Softmax.row(p.baseAddress! + r * n, n: n, lanes: SIMD8<Float>.self)
                case .sixteen: Softmax.row(p.baseAddress! + r * n, n: n, lanes: SIMD16<Float>.self)
                }
            }
        }
        #expect(maxAbs(x, expected) < 1e-6)
    }

    @Test(arguments: Width.allCases, [384, 40, 13])
    func layerNorm(width: Width, dim: Int) {
        let rows = 7
        let x = Tensor.randomNormal([rows, dim], std: 3, seed: 22).scalars.map { $0 + 2 }
        let g = Tensor.randomNormal([dim], seed: 23).scalars
        let b = Tensor.randomNormal([dim], seed: 24).scalars
        var out = [Float](repeating: 0, count: rows * dim)
        switch width {
        case .eight: LayerNorm.forward(x, rows: rows, dim: dim, gamma: g, beta: b, eps: 1e-6, &out, lanes: SIMD8<Float>.self)
        case .sixteen: LayerNorm.forward(x, rows: rows, dim: dim, gamma: g, beta: b, eps: 1e-6, &out, lanes: SIMD16<Float>.self)
        }
        #expect(maxAbs(out, Naive.layerNorm(x, rows: rows, dim: dim, gamma: g, beta: b, eps: 1e-6)) < 1e-5)
    }

    @Test(arguments: Width.allCases)
    func gelu(width: Width) {
        // 4099 + 8 specials: every width sees a ragged tail.
        var x = Tensor.randomNormal([4099], std: 3, seed: 25).scalars
        x += [0, -0.0, 1e-8, -1e-8, 10, -10, 40, -40]
        let expected = Naive.gelu(x)
        switch width {
        case .eight: GELU.inPlace(&x, count: x.count, lanes: SIMD8<Float>.self)
        case .sixteen: GELU.inPlace(&x, count: x.count, lanes: SIMD16<Float>.self)
        }
        for i in x.indices {
            #expect(abs(x[i] - expected[i]) <= 4e-7 * max(1, abs(expected[i])), "at \(i)")
        }
    }

    @Test(arguments: Width.allCases)
    func geluBias(width: Width) {
        let rows = 3, width37 = 37
        let x = Tensor.randomNormal([rows, width37], seed: 26).scalars
        let b = Tensor.randomNormal([width37], seed: 27).scalars
        var fused = x
        switch width {
        case .eight: GELU.biasInPlace(&fused, rows: rows, width: width37, bias: b, lanes: SIMD8<Float>.self)
        case .sixteen: GELU.biasInPlace(&fused, rows: rows, width: width37, bias: b, lanes: SIMD16<Float>.self)
        }
        let expected = Naive.gelu((0..<(rows * width37)).map { x[$0] + b[$0 % width37] })
        #expect(maxAbs(fused, expected) < 1e-6)
    }

    /// The widths agree lane for lane on exp and erf (no horizontal sums involved).
    @Test func expAndErfAreWidthIndependent() {
        let xs = Tensor.randomNormal([64], std: 20, seed: 28).scalars
        for base in stride(from: 0, to: 64, by: 16) {
            let v16 = SIMD16<Float>(xs[base..<(base + 16)])
            let lo = SIMD8<Float>(xs[base..<(base + 8)]), hi = SIMD8<Float>(xs[(base + 8)..<(base + 16)])
            let e16 = expV(v16), e8lo = expV(lo), e8hi = expV(hi)
            let f16 = erfV(v16), f8lo = erfV(lo), f8hi = erfV(hi)
            for t in 0..<8 {
                #expect(e16[t].bitPattern == e8lo[t].bitPattern && e16[t + 8].bitPattern == e8hi[t].bitPattern)
                #expect(f16[t].bitPattern == f8lo[t].bitPattern && f16[t + 8].bitPattern == f8hi[t].bitPattern)
            }
        }
    }
}
