import CGEMM
import Testing
@testable import Tensor

/// The packed-weight GEMM (CGEMM) against the naive Double-precision Linear, at each panel width
/// this CPU can run, on shapes that leave ragged tiles everywhere: rows not a multiple of the
/// row tile (6), columns not a multiple of the panel (64 / 16), K across chunk boundaries.
/// Budget: 2e-5, as for BLAS-backed Linear (KernelParityTests).
struct PackedGEMMTests {
    /// Two threads, so that `Linear.forward` splits by panels and by rows.
    let compute = ComputeSettings(threads: 2)

    static let shapes = [(1, 384, 1152), (197, 384, 384), (50, 400, 37), (15, 193, 17), (7, 13, 5), (229, 1536, 64)]

    func maxAbs(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    func widths() -> [Int32] {
        let widest = repro_gemm_panel_width()
        return widest == 64 ? [64, 16] : widest == 16 ? [16] : []
    }

    // Without AVX-512F or AVX2+FMA there is no packed kernel (Linear stays on BLAS): reported as
    // skipped with this reason.
    @Test(.enabled(if: repro_gemm_panel_width() > 0, "this CPU has neither AVX-512F nor AVX2+FMA: no packed kernel"),
          arguments: shapes)
    func kernelsMatchNaive(rows: Int, inF: Int, outF: Int) {
        let x = Tensor.randomNormal([rows, inF], seed: 31).scalars
        let w = Tensor.randomNormal([outF, inF], std: 1 / Float(inF).squareRoot(), seed: 32).scalars
        let expected = Naive.linear(x, rows: rows, inF: inF, w, [Float](repeating: 0, count: outF), outF: outF)
        for nr in widths() {
            var packed = [Float](repeating: .nan, count: repro_gemm_packed_count(Int32(outF), Int32(inF), nr))
            repro_gemm_pack(w, Int32(outF), Int32(inF), nr, &packed)
            let panels = (Int32(outF) + nr - 1) / nr
            // Written over NaN: every output must be stored, none read before it is.
            var out = [Float](repeating: .nan, count: rows * outF)
            repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), 1, x, Int32(inF), packed, nr, 0, panels, 0, nil, &out, Int32(outF))
            #expect(maxAbs(out, expected) < 2e-5, "nr \(nr)")
            // Two panel ranges cover the same result; accumulate with alpha adds a scaled copy.
            var split = [Float](repeating: .nan, count: rows * outF)
            let mid = panels / 2
            repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), 1, x, Int32(inF), packed, nr, 0, mid, 0, nil, &split, Int32(outF))
            repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), 1, x, Int32(inF), packed, nr, mid, panels, 0, nil, &split, Int32(outF))
            #expect(split.map(\.bitPattern) == out.map(\.bitPattern), "nr \(nr)")
            var acc = [Float](repeating: 1, count: rows * outF)
            repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), 0.5, x, Int32(inF), packed, nr, 0, panels, 1, nil, &acc, Int32(outF))
            #expect(maxAbs(acc, expected.map { 1 + 0.5 * $0 }) < 2e-5, "nr \(nr)")
            // The bias in the kernel's store equals adding alpha·bias after the product, to the bit
            // (the order Linear used before the bias moved into the kernel), with and without C.
            let bias = Tensor.randomNormal([outF], seed: 36).scalars
            for (alpha, accumulate) in [(Float(1), Int32(0)), (0.5, 1)] {
                var fused = [Float](repeating: accumulate == 1 ? 1 : .nan, count: rows * outF)
                var after = [Float](repeating: accumulate == 1 ? 1 : .nan, count: rows * outF)
                repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), alpha, x, Int32(inF), packed, nr, 0, panels, accumulate, bias, &fused, Int32(outF))
                repro_gemm_packed(Int32(rows), Int32(outF), Int32(inF), alpha, x, Int32(inF), packed, nr, 0, panels, accumulate, nil, &after, Int32(outF))
                for r in 0..<rows { for j in 0..<outF { after[r * outF + j] = after[r * outF + j] + alpha * bias[j] } }
                #expect(fused.map(\.bitPattern) == after.map(\.bitPattern), "nr \(nr) alpha \(alpha)")
            }
        }
    }

    /// Through `Linear.forward` with a `LinearWeight`: bias, accumulate and scale, split across
    /// threads by panels (few rows) and by rows (≥ 1024 rows).
    @Test(arguments: [(197, 384, 1152), (1030, 96, 40), (3, 50, 1000)])
    func linearWeightMatchesNaive(rows: Int, inF: Int, outF: Int) {
        compute.run {
            let x = Tensor.randomNormal([rows, inF], seed: 33).scalars
            let w = Tensor.randomNormal([outF, inF], std: 1 / Float(inF).squareRoot(), seed: 34).scalars
            let b = Tensor.randomNormal([outF], seed: 35).scalars
            let lw = LinearWeight(w, outFeatures: outF, inFeatures: inF)
            var out = [Float](repeating: .nan, count: rows * outF)
            Linear.forward(x, rows: rows, inFeatures: inF, weight: lw, bias: b, outFeatures: outF, &out)
            let expected = Naive.linear(x, rows: rows, inF: inF, w, b, outF: outF)
            #expect(maxAbs(out, expected) < 2e-5)
            var acc = [Float](repeating: 1, count: rows * outF)
            Linear.forward(x, rows: rows, inFeatures: inF, weight: lw, bias: b, outFeatures: outF, &acc, accumulate: true, scale: 0.5)
            #expect(maxAbs(acc, expected.map { 1 + 0.5 * $0 }) < 2e-5)
        }
    }
}
