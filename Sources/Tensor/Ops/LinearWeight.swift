import CGEMM
#if canImport(Glibc)
import Glibc
#endif

/// A Linear layer's weight, [out, in] as PyTorch stores it, packed once for the GEMM kernel of
/// this CPU (CGEMM: AVX-512 or AVX2 + FMA panels). Models hold their layers' weights in this
/// form so that no call repacks them; OpenBLAS, which packs both operands on every call, runs
/// the rest (attention's q·kᵀ and attn·v, and every GEMM on CPUs without those kernels).
public final class LinearWeight: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    /// [out, in]; empty once packed (the packed panels are the only copy then).
    let values: [Float]
    /// Panels of `panelWidth` output columns, each [in, panelWidth]; nil → BLAS on `values`.
    let packed: UnsafeMutablePointer<Float>?
    let panelWidth: Int

    /// Which kernel Linear layers run: "packed-avx512", "packed-avx2" or "blas" (provenance).
    public static var kernel: String {
        switch GEMMKernel.panelWidth {
        case 64: return "packed-avx512"
        case 16: return "packed-avx2"
        default: return "blas"
        }
    }

    public init(_ values: [Float], outFeatures: Int, inFeatures: Int) {
        precondition(values.count == outFeatures * inFeatures, "weight has \(values.count) values, not \(outFeatures)×\(inFeatures)")
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        let nr = GEMMKernel.panelWidth
        panelWidth = nr
        if nr > 0 {
            let count = repro_gemm_packed_count(Int32(outFeatures), Int32(inFeatures), Int32(nr))
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            values.withUnsafeBufferPointer {
                repro_gemm_pack($0.baseAddress!, Int32(outFeatures), Int32(inFeatures), Int32(nr), p)
            }
            packed = p
            self.values = []
        } else {
            packed = nil
            self.values = values
        }
    }

    deinit { packed?.deallocate() }

    var panels: Int { panelWidth > 0 ? (outFeatures + panelWidth - 1) / panelWidth : 0 }
}

/// Which packed kernel this process uses: the CPU's widest (CGEMM decides from cpuid), unless
/// `REPRO_GEMM=blas` asks for OpenBLAS everywhere (to compare the two, or to rule the kernel out).
enum GEMMKernel {
    static let panelWidth: Int = {
        if let v = getenv("REPRO_GEMM"), String(cString: v) == "blas" { return 0 }
        return Int(repro_gemm_panel_width())
    }()
}
