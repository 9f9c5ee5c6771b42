// swift-tools-version:6.0
import PackageDescription

import Foundation

// Vector code generation for the numeric targets, from the building machine's CPU (x86-64
// Linux, read from /proc/cpuinfo):
// - AVX-512 F/CD/BW/DQ/VL: `skylake-avx512` code (every Intel Xeon since Skylake-SP, AMD Zen 4
//   and later) and 16-lane element-wise kernels (`REPRO_AVX512`, one zmm register a vector);
// - AVX2 + FMA: `haswell` code and 8-lane kernels (`REPRO_AVX2`); measured on the 2-vCPU EPYC
//   dev VM against generic code: DeiT-S 17.5 → 18.7 images/s at batch 32;
// - otherwise, or with REPRO_PORTABLE=1: generic x86-64 (then `rm -rf .build`).
// REPRO_SIMD=avx2 or REPRO_SIMD=generic builds a narrower path on a wider machine (to test it).
// A binary runs only on machines with the features it was built for.
let simdFlags: [String] = {
    #if arch(x86_64)
    let env = ProcessInfo.processInfo.environment
    if env["REPRO_PORTABLE"] != nil || env["REPRO_SIMD"] == "generic" { return [] }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    let avx2 = flags.isSuperset(of: ["avx2", "fma", "bmi2", "f16c", "movbe"])
    let avx512 = avx2 && flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
    if avx512 && env["REPRO_SIMD"] != "avx2" {
        return ["-target-cpu", "skylake-avx512", "-DREPRO_AVX2", "-DREPRO_AVX512"]
    }
    return avx2 ? ["-target-cpu", "haswell", "-DREPRO_AVX2"] : []
    #else
    return []
    #endif
}()

// The numeric targets are optimized in every configuration, so that the plain
// `swift run repro …` and `swift test` (debug) stay within minutes: a debug build
// of these loops is 10–100× slower.
let optimized: [SwiftSetting] = [
    .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + simdFlags),
]

let package = Package(
    name: "repro",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "repro", targets: ["repro"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System C libraries (Debian packages installed by scripts/setup).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),

        // Libraries. A target may depend only on targets listed above it (no arrow points back
        // up), and names every project module it imports. The arrows allowed:
        // - Domain: no project target, no C library, Foundation only for formatting-free basics:
        //   the result domain (stage outputs, region selections, the exit rule, expected FLOPs,
        //   the η sweep and its intervals, paired statistics) that every layer above shares;
        // - Common, Digest, CPeak, CGEMM, CPool, PNGFile: no project target (PNGFile: libpng only);
        // - Tensor → CBLAS, CPeak, CGEMM, CPool: numerics only;
        // - Checkpoint → Tensor, Common: checkpoint file formats, no model knowledge (the
        //   upstream key names live in ViT's KeyMap, which is written in terms of ModelSpec);
        // - ViT → Domain, Checkpoint, Tensor: no SQLite, image codecs, PNG or argument parser;
        // - ImageData → Tensor, PNGFile (its RGBImage) and the codec libraries: never a model,
        //   the store or a report;
        // - RunStore → CSQLite, Domain, Common: never a model, an image or a report;
        // - Reporting → PNGFile, Domain, Common: plain values in, documents out; no SQLite, Tensor or
        //   ImageData, so that tables build without BLAS or the image codecs;
        // - Harness → any library; repro → Harness and any library. No library imports either.
        .target(name: "Domain", swiftSettings: optimized),
        .target(name: "Common"),
        .target(name: "Digest", swiftSettings: optimized),
        // FMA chains for the peak meter, each width compiled for itself and picked at run time;
        // -O2 in every configuration, since an unoptimized build would time stack traffic.
        .target(name: "CPeak", cSettings: [.unsafeFlags(["-O2"])]),
        // The packed-weight GEMM kernels of the Linear layers (AVX-512 / AVX2 + FMA, picked at
        // run time); optimized in every configuration like the numeric Swift targets.
        .target(name: "CGEMM", cSettings: [.unsafeFlags(["-O2"])]),
        // The spinning fork-join pool under the kernels' parallel loops (pthreads and a futex).
        .target(name: "CPool", cSettings: [.unsafeFlags(["-O2"])]),
        // The RGBImage value (what ImageData decodes to and Reporting draws on), libpng's writer
        // (deterministic bytes) and read-back; shared by Reporting's overlays, the synthetic
        // dataset and the CLI tests without pulling in ImageData.
        .target(name: "PNGFile", dependencies: ["CPNG"], swiftSettings: optimized),
        .target(name: "Tensor", dependencies: ["CBLAS", "CPeak", "CGEMM", "CPool"], swiftSettings: optimized),
        .target(name: "Checkpoint", dependencies: ["Tensor", "Common"], swiftSettings: optimized),
        .target(name: "ViT", dependencies: ["Domain", "Checkpoint", "Tensor"], swiftSettings: optimized),
        .target(name: "ImageData", dependencies: ["Tensor", "PNGFile", "CTurboJPEG", "CZlib", "CDeflate"],
                swiftSettings: optimized),
        .target(name: "RunStore", dependencies: ["CSQLite", "Domain", "Common"], swiftSettings: optimized),
        .target(name: "Reporting", dependencies: ["PNGFile", "Domain", "Common"], swiftSettings: optimized),
        .target(name: "Harness", dependencies: ["Domain", "ViT", "Checkpoint", "Tensor", "ImageData", "RunStore", "Reporting",
                                                "Common", "Digest", "PNGFile"],
                swiftSettings: optimized),
        .executableTarget(name: "repro", dependencies: [
            "Harness", "Domain", "ViT", "Checkpoint", "Tensor", "RunStore", "ImageData", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests: one target per library, plus end-to-end CLI tests; each names what it imports.
        .testTarget(name: "CommonTests", dependencies: ["Common"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "CGEMM", "CPool"], swiftSettings: optimized),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], exclude: ["Fixtures"]),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "Tensor", "Digest"], exclude: ["Fixtures"],
                    swiftSettings: optimized),
        .testTarget(name: "ViTTests", dependencies: ["ViT", "Checkpoint", "Tensor"], exclude: ["Fixtures"],
                    swiftSettings: optimized),
        .testTarget(name: "ImageDataTests", dependencies: ["ImageData", "Tensor"], exclude: ["Fixtures"],
                    swiftSettings: optimized),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore", "Domain"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Domain", "PNGFile"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "ViT", "Checkpoint", "Tensor", "RunStore", "Digest"]),
        .testTarget(name: "CLITests", dependencies: ["PNGFile", "RunStore", "Tensor"]),
    ],
    // Swift 5 language mode: the numeric code shares raw buffers across worker threads by
    // design (disjoint ranges), which Swift 6's Sendable checking cannot express.
    swiftLanguageModes: [.v5]
)
