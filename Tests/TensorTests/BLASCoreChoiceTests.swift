import Testing
@testable import Tensor

/// The flags → OpenBLAS core mapping and the keep/switch decision, on constructed CPUs.
struct BLASCoreChoiceTests {
    static let avx2: Set<String> = ["sse2", "ssse3", "sse4_2", "avx", "avx2", "fma", "f16c", "bmi2", "movbe"]
    static let avx512 = avx2.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    let xeonSPR = CPUInfo(vendor: "GenuineIntel", family: 6, model: 207, flags: avx512.union(["avx512_bf16", "avx512_fp16"]))
    let xeonSKX = CPUInfo(vendor: "GenuineIntel", family: 6, model: 85, flags: avx512)
    let zen4 = CPUInfo(vendor: "AuthenticAMD", family: 25, model: 17, flags: avx512.union(["avx512_bf16"]))
    let zen2 = CPUInfo(vendor: "AuthenticAMD", family: 23, model: 49, flags: avx2)
    let haswell = CPUInfo(vendor: "GenuineIntel", family: 6, model: 63, flags: avx2)
    let oldCPU = CPUInfo(vendor: "GenuineIntel", family: 6, model: 23, flags: ["sse2", "ssse3", "sse4_1"])
    let avx512FOnly = CPUInfo(vendor: "GenuineIntel", flags: avx2.union(["avx512f"]))

    @Test func recommendedCoreFollowsTheFlags() {
        #expect(BLASCoreChoice.recommendedCore(for: xeonSPR) == "Cooperlake")
        #expect(BLASCoreChoice.recommendedCore(for: xeonSKX) == "SkylakeX")
        #expect(BLASCoreChoice.recommendedCore(for: zen4) == "Cooperlake")
        #expect(BLASCoreChoice.recommendedCore(for: zen2) == "Zen")
        #expect(BLASCoreChoice.recommendedCore(for: haswell) == "Haswell")
        #expect(BLASCoreChoice.recommendedCore(for: oldCPU) == nil)
        // AVX-512F alone (Knights Landing-like) is not the BW/VL/DQ set SkylakeX kernels use.
        #expect(BLASCoreChoice.recommendedCore(for: avx512FOnly) == "Haswell")
    }

    @Test func genericFallbackIsSwitched() {
        // The reported case: Debian's 0.3.21 on family 6 model 207 says Prescott.
        let d = BLASCoreChoice.decide(detected: "Prescott", cpu: xeonSPR, userCoreType: nil)
        #expect(d.action == .switchTo("Cooperlake"))
        #expect(d.fast)
        #expect(d.note?.contains("Prescott") == true)
        for generic in ["Core2", "Katmai", "Nehalem", "Penryn", "Atom"] {
            #expect(BLASCoreChoice.decide(detected: generic, cpu: haswell, userCoreType: nil).action == .switchTo("Haswell"))
        }
        #expect(BLASCoreChoice.decide(detected: "Sandybridge", cpu: zen2, userCoreType: nil).action == .switchTo("Zen"))
    }

    @Test func aKnownGoodCoreIsKept() {
        for (core, cpu) in [("Cooperlake", zen4), ("SkylakeX", xeonSKX), ("Haswell", haswell), ("Zen", zen2),
                            ("SapphireRapids", xeonSPR), ("Haswell", zen2)] {
            let d = BLASCoreChoice.decide(detected: core, cpu: cpu, userCoreType: nil)
            #expect(d.action == .keep, "\(core)")
            #expect(d.fast && d.note == nil, "\(core)")
        }
    }

    @Test func anAVX2CoreOnAnAVX512CPUIsRaised() {
        #expect(BLASCoreChoice.decide(detected: "Zen", cpu: zen4, userCoreType: nil).action == .switchTo("Cooperlake"))
        #expect(BLASCoreChoice.decide(detected: "Haswell", cpu: xeonSKX, userCoreType: nil).action == .switchTo("SkylakeX"))
    }

    @Test func theUsersCoreTypeIsKeptButASlowOneIsReported() {
        let slow = BLASCoreChoice.decide(detected: "Prescott", cpu: xeonSPR, userCoreType: "Prescott")
        #expect(slow.action == .keep)
        #expect(!slow.fast)
        #expect(slow.note?.contains("OPENBLAS_CORETYPE=Prescott") == true)
        let good = BLASCoreChoice.decide(detected: "SkylakeX", cpu: xeonSPR, userCoreType: "SkylakeX")
        #expect(good.action == .keep && good.fast && good.note == nil)
    }

    @Test func nothingFasterExistsForAnOldCPU() {
        let d = BLASCoreChoice.decide(detected: "Core2", cpu: oldCPU, userCoreType: nil)
        #expect(d.action == .keep)
        #expect(!d.fast)
        #expect(d.note?.contains("no AVX2") == true)
    }

    @Test func anUnknownCoreNameIsLeftAlone() {
        let d = BLASCoreChoice.decide(detected: "NeoverseN1", cpu: haswell, userCoreType: nil)
        #expect(d.action == .keep && d.fast)
        #expect(BLASCoreChoice.tier(ofCore: "COOPERLAKE") == .avx512)
        #expect(BLASCoreChoice.tier(ofCore: "prescott") == .sse)
    }

    @Test func cpuinfoIsParsed() {
        let text = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 207
        model name\t: Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz
        flags\t\t: fpu sse2 avx avx2 fma bmi2 f16c movbe avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16 avx512_fp16

        processor\t: 1
        vendor_id\t: GenuineIntel
        flags\t\t: fpu

        """
        let info = CPUInfo.parse(procCPUInfo: text)
        #expect(info.vendor == "GenuineIntel" && info.family == 6 && info.model == 207)
        #expect(info.modelName.hasPrefix("Intel(R) Xeon(R) Platinum"))
        #expect(info.hasAVX512 && info.hasAVX512BF16 && info.hasAVX2FMA && !info.isAMD)
        #expect(info.flags.count == 15 && info.flags.contains("avx512_fp16"), "the first block only, whole")
        #expect(BLASCoreChoice.recommendedCore(for: info) == "Cooperlake")
    }
}
