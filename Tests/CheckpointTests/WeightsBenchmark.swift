import Digest
import Foundation
import Testing
import Tensor
@testable import Checkpoint

/// Load times for a DeiT-S-size checkpoint (159 tensors, 23.25 M floats, ~93 MB) in both
/// formats. Not a timed unit test: it runs only when REPRO_WEIGHTS_BENCH_DIR names a folder
/// prepared with
///
///     python3 experiments/fixtures/make_weight_fixtures.py --bench DIR
///     REPRO_WEIGHTS_BENCH_DIR=DIR swift test --filter WeightsBenchmark
///     python3 experiments/fixtures/make_weight_fixtures.py --check-swift DIR
///
/// and prints its timings. It also checks the two files against each other and against
/// the sums and SHA-256 digests Python recorded, and leaves DIR/swift_written.safetensors
/// for the last command to load with the Python `safetensors` library.
struct WeightsBenchmark {
    static let directory = ProcessInfo.processInfo.environment["REPRO_WEIGHTS_BENCH_DIR"]

    @Test(.enabled(if: directory != nil, "set REPRO_WEIGHTS_BENCH_DIR (see the comment above)"))
    func deitSmallCheckpoint() throws {
        let dir = try #require(Self.directory)
        let info = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir + "/deit_s.json"))) as! [String: Any]
        let sums = info["sums"] as! [String: Double]
        let digests = info["sha256"] as! [String: String]
        let layout = (info["layout"] as! [[Any]]).map {
            (key: $0[0] as! String, shape: ($0[1] as! [NSNumber]).map(\.intValue))
        }

        // Wall time and process CPU time (user + system): on a shared machine the CPU time
        // is the better estimate of what the code costs, the readers being single-threaded.
        func cpuSeconds() -> Double {
            var usage = rusage()
            #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
            #else
            getrusage(RUSAGE_SELF, &usage)
            #endif
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        func timed<T>(_ label: String, repeats: Int = 5, _ body: () throws -> T) rethrows -> T {
            var bestWall = Double.infinity, bestCPU = Double.infinity
            var result: T?
            for _ in 0..<repeats {
                let wall0 = Date(), cpu0 = cpuSeconds()
                result = try body()
                bestCPU = min(bestCPU, cpuSeconds() - cpu0)
                bestWall = min(bestWall, Date().timeIntervalSince(wall0))
            }
            print(String(format: "[bench] %@: best of %d: wall %.1f ms, cpu %.1f ms", label, repeats,
                         bestWall * 1000, bestCPU * 1000))
            return result!
        }

        let pth = try timed("CheckpointFile.load deit_s.pth") { try CheckpointFile.load(path: dir + "/deit_s.pth") }
        let st = try timed("CheckpointFile.load deit_s.safetensors") {
            try CheckpointFile.load(path: dir + "/deit_s.safetensors")
        }
        #expect(pth.count == 159 && st.count == 159)
        #expect(pth.parameterCount == 23_252_200)
        try pth.validate(expected: layout)
        try st.validate(expected: layout)
        for key in pth.keys {
            #expect(pth[key]! == st[key]!, "\(key)")
            let sum = pth[key]!.scalars.reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - sums[key]!) <= 1e-9 * max(1, abs(sums[key]!)), "\(key)")
        }
        #expect(pth.extras["flop"]?.numbers == [1.1, 4.0])

        for name in ["deit_s.pth", "deit_s.safetensors"] {
            let digest = try timed("SHA256.hex(ofFile:) \(name)", repeats: 3) { try SHA256.hex(ofFile: dir + "/" + name) }
            #expect(digest == digests[name])
        }

        let out = dir + "/swift_written.safetensors"
        try timed("SafeTensors.write 159 tensors", repeats: 3) { try SafeTensors.write(pth, to: out) }
        let back = try SafeTensors.read(path: out)
        for key in pth.keys { #expect(back[key]! == pth[key]!, "\(key)") }
    }
}
