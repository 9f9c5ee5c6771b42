/// Which OpenBLAS kernel family ("core") should run on a CPU, as a pure function of the CPU's
/// feature flags and of what the library picked by itself.
///
/// Why it exists: a DYNAMIC_ARCH OpenBLAS picks its kernels from the CPU's family/model table,
/// and builds older than the CPU do not know it. Debian 12's 0.3.21 on an Intel Xeon of family 6
/// model 207 (AVX-512 with bf16) reports `Prescott` and runs generic SSE3 kernels: DeiT-S went
/// 5× slower with no warning. The library does honour `OPENBLAS_CORETYPE`, so the fix is to name
/// the right core from the flags, which say what the CPU can run whatever its model number.
public enum BLASCoreChoice {
    /// Vector tiers of OpenBLAS's x86-64 cores (`openblas_get_corename` names).
    public enum Tier: Int, Comparable, Sendable {
        case sse = 0, avx = 1, avx2 = 2, avx512 = 3
        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
    }

    /// nil for a name this table does not know (an ARM core, a future x86 one): no decision
    /// is taken on an unknown name.
    public static func tier(ofCore name: String) -> Tier? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return .avx512
        case "haswell", "zen": return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": return .avx
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "nano", "katmai",
             "coppermine", "northwood", "banias", "athlon", "opteron", "opteron(sse3)", "opteron_sse3",
             "barcelona", "bobcat":
            return .sse
        default: return nil
        }
    }

    /// The core whose kernels fit the CPU's widest vectors: AVX-512F/BW/VL/DQ → SkylakeX
    /// (Cooperlake when the CPU also has AVX512_BF16); AVX2 + FMA → Haswell (Zen on AMD);
    /// anything less → nil (leave the library's choice: nothing faster exists for it).
    public static func recommendedCore(for cpu: CPUInfo) -> String? {
        if cpu.hasAVX512 { return cpu.hasAVX512BF16 ? "Cooperlake" : "SkylakeX" }
        if cpu.hasAVX2FMA { return cpu.isAMD ? "Zen" : "Haswell" }
        return nil
    }

    public enum Action: Equatable, Sendable {
        case keep
        case switchTo(String)
    }

    public struct Decision: Equatable, Sendable {
        public var action: Action
        /// false when the kernels that will run are below what the CPU could run.
        public var fast: Bool
        /// Why, in one sentence, for stderr and provenance; nil when nothing needs saying.
        public var note: String?
    }

    /// - detected: the core the library chose at load time.
    /// - userCoreType: the `OPENBLAS_CORETYPE` the user set (nil or empty when unset): their
    ///   choice is kept, but a slow one is still reported.
    public static func decide(detected: String, cpu: CPUInfo, userCoreType: String?) -> Decision {
        let best = recommendedCore(for: cpu)
        let bestTier = best.flatMap(tier(ofCore:))
        let detectedTier = tier(ofCore: detected)
        if let user = userCoreType, !user.isEmpty {
            if let bestTier, let detectedTier, detectedTier < bestTier, let best {
                return Decision(action: .keep, fast: false,
                                note: "OPENBLAS_CORETYPE=\(user) is set, so BLAS runs \(detected) kernels although this CPU can run \(best) (unset it to let repro choose)")
            }
            return Decision(action: .keep, fast: true, note: nil)
        }
        guard let best, let bestTier else {
            let generic = detectedTier.map { $0 < .avx2 } ?? false
            return Decision(action: .keep, fast: !generic,
                            note: generic ? "this CPU has no AVX2+FMA: BLAS runs \(detected) kernels, no faster ones exist for it" : nil)
        }
        guard let detectedTier else {
            return Decision(action: .keep, fast: true, note: nil)
        }
        // Any tier below the CPU's is undone, not only the generic SSE fallbacks: an older
        // library that knows Zen 4 only as Zen runs AVX2 kernels on an AVX-512 CPU. Measured on
        // the 2-vCPU Zen 4 dev VM (DeiT-S, all GEMMs on OpenBLAS, 2 alternating rounds): batch 1
        // Zen 15.6 / 14.0, Cooperlake 15.9 / 15.1, SkylakeX 17.1 / 15.4 img/s; batch 32 level
        // within noise (17.7–19.9 for all three). Faster at batch 1 and no slower beyond the noise
        // at batch 32, so the CPU's own tier is taken.
        if detectedTier < bestTier {
            let generic = detectedTier < .avx2
            return Decision(action: .switchTo(best), fast: true,
                            note: "OpenBLAS chose its \(generic ? "generic " : "")\(detected) kernels on this \(cpu.hasAVX512 ? "AVX-512" : "AVX2") CPU; using \(best) kernels instead (set OPENBLAS_CORETYPE to choose yourself)")
        }
        return Decision(action: .keep, fast: true, note: nil)
    }
}
