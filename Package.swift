// swift-tools-version:6.0
import PackageDescription

import Foundation

// AVX2 + FMA code for the numeric targets when the building machine has both (x86-64 Linux,
// read from /proc/cpuinfo): without it the SIMD8 loops (softmax, exp, GELU, LayerNorm) compile
// to pairs of SSE operations. Measured on the 2-vCPU EPYC dev VM: DeiT-S 17.5 → 18.7 images/s
// at batch 32, the bundled models about 20% faster. Such a binary needs an AVX2 machine (any
// x86-64 since 2013–2015); REPRO_PORTABLE=1 builds generic x86-64 code (then `rm -rf .build`).
let simdFlags: [String] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["REPRO_PORTABLE"] != nil { return [] }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    return flags.isSuperset(of: ["avx2", "fma"]) ? ["-target-cpu", "haswell", "-DREPRO_AVX2"] : []
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

        // Libraries.
        .target(name: "Common"),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: optimized),
        .target(name: "ViT", dependencies: ["Tensor", "Common"], swiftSettings: optimized),
        .target(name: "ImageData", dependencies: ["Tensor", "CPNG", "CTurboJPEG", "CZlib", "CDeflate"], swiftSettings: optimized),
        .target(name: "RunStore", dependencies: ["CSQLite", "Common"], swiftSettings: optimized),
        .target(name: "Reporting", dependencies: ["ImageData", "Common"], swiftSettings: optimized),
        .target(name: "Harness", dependencies: ["ViT", "ImageData", "RunStore", "Reporting"],
                swiftSettings: optimized),
        .executableTarget(name: "repro", dependencies: [
            "Harness", "ViT", "RunStore", "ImageData", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests: one target per library, plus end-to-end CLI tests.
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], swiftSettings: optimized),
        .testTarget(name: "ViTTests", dependencies: ["ViT"], exclude: ["Fixtures"], swiftSettings: optimized),
        .testTarget(name: "ImageDataTests", dependencies: ["ImageData"], exclude: ["Fixtures"],
                    swiftSettings: optimized),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness"]),
        .testTarget(name: "CLITests", dependencies: ["ImageData", "RunStore", "Tensor"]),
    ],
    // Swift 5 language mode: the numeric code shares raw buffers across worker threads by
    // design (disjoint ranges), which Swift 6's Sendable checking cannot express.
    swiftLanguageModes: [.v5]
)
