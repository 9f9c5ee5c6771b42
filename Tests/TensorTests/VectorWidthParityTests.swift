import Testing
@testable import Tensor

/// The vector width this build runs, as its compile flags say; the element-wise kernels at
/// that width are checked in KernelParityTests. The other widths are checked by building them
/// (`scripts/test-simd-paths`: REPRO_SIMD=avx2 and REPRO_SIMD=generic builds run the parity
/// tests), since a width is a compile-time choice.
struct VectorWidthParityTests {
    @Test func buildWidthMatchesTheCodeGeneration() {
        #if REPRO_AVX512
        #expect(FloatV.scalarCount == 16)
        #expect(Compute.codeGeneration == "avx512")
        #elseif REPRO_AVX2
        #expect(FloatV.scalarCount == 8)
        #expect(Compute.codeGeneration == "avx2+fma")
        #else
        #expect(FloatV.scalarCount == 8)
        #expect(Compute.codeGeneration == "generic")
        #endif
    }

    /// Ragged tails at this width: every length from 1 to three vectors, so that each kernel's
    /// scalar tail and its vector body meet at every offset.
    @Test func everyTailLength() {
        // Outside any compute scope: one thread, so that each row is one kernel call.
        for n in 1...(3 * FloatV.scalarCount + 1) {
            var x = Tensor.randomNormal([2, n], std: 4, seed: UInt64(40 + n)).scalars
            let expected = Naive.softmax(x, rows: 2, n: n)
            Softmax.inPlace(&x, rows: 2, n: n)
            #expect(zip(x, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "softmax n \(n)")

            let y = Tensor.randomNormal([2, n], std: 2, seed: UInt64(90 + n)).scalars.map { $0 + 1 }
            let g = [Float](repeating: 1.5, count: n), b = [Float](repeating: -0.25, count: n)
            var out = [Float](repeating: 0, count: 2 * n)
            LayerNorm.forward(y, rows: 2, dim: n, gamma: g, beta: b, eps: 1e-6, &out)
            let ref = Naive.layerNorm(y, rows: 2, dim: n, gamma: g, beta: b, eps: 1e-6)
            #expect(zip(out, ref).allSatisfy { abs($0 - $1) < 1e-5 }, "layernorm n \(n)")

            var z = y
            GELU.inPlace(&z, count: z.count)
            let gz = Naive.gelu(y)
            #expect(zip(z, gz).allSatisfy { abs($0 - $1) <= 4e-7 * max(1, abs($1)) }, "gelu n \(n)")
        }
    }
}
