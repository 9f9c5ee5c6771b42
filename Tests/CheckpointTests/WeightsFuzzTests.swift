import Foundation
import Testing
import Tensor
@testable import Checkpoint

/// Corrupted inputs must throw, never trap. A crash here takes the whole test process down,
/// which is the failure these tests exist to catch.
struct WeightsFuzzTests {
    /// Every proper prefix of a valid file is an error: both formats declare their own length
    /// (the safetensors header, the zip end record at the very end).
    @Test(arguments: ["tensors.safetensors", "tensors.pth", "nested.pth", "zip64.pth"])
    func everyTruncationThrows(_ name: String) throws {
        let bytes = WeightFixtures.bytes(name)
        var failures: [Int] = []
        let step = max(1, bytes.count / 1500)
        var cuts = Array(stride(from: 0, to: bytes.count, by: step))
        cuts += Array(0..<min(bytes.count, 200)) // every cut through the first headers
        cuts += [bytes.count - 1, bytes.count - 22, bytes.count - 23, 7, 8, 9]
        for cut in cuts where cut >= 0 && cut < bytes.count {
            do {
                _ = try CheckpointFile.load(MappedFile(copying: Array(bytes[0..<cut]), path: name))
                failures.append(cut)
            } catch is WeightsError {
            } catch {
                Issue.record("cut at \(cut): unexpected error type \(error)")
            }
        }
        #expect(failures.isEmpty, "\(name): truncations that loaded: \(failures.prefix(10))")
    }

    /// Byte flips: the reader either throws a WeightsError or returns a well-formed dict.
    /// In `.pth` files CRC-32 catches flips in data.pkl and the storages.
    @Test(arguments: ["tensors.safetensors", "tensors.pth", "nested.pth", "big_endian.pth"])
    func byteFlipsNeverCrash(_ name: String) throws {
        let original = WeightFixtures.bytes(name)
        var rng = SplitMix(seed: 0xF11B)
        var loaded = 0, thrown = 0
        for trial in 0..<1000 {
            var bytes = original
            let flips = trial % 4 + 1
            for _ in 0..<flips {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
            do {
                let dict = try CheckpointFile.load(MappedFile(copying: bytes, path: name))
                for key in dict.keys { _ = dict[key]!.count }
                loaded += 1
            } catch is WeightsError {
                thrown += 1
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        #expect(loaded + thrown == 1000)
        #expect(thrown > 0)
    }

    /// The unpickler behind the CRC: mutate data.pkl itself, including its length fields.
    @Test func mutatedPicklesNeverCrash() throws {
        let file = try MappedFile(path: WeightFixtures.path("nested.pth"))
        let archive = try ZipArchive(file: file)
        let entry = try #require(archive.entries.first { $0.name.hasSuffix("/data.pkl") })
        let pickle = try withExtendedLifetime(file) { Array(try archive.data(of: entry)) }
        var rng = SplitMix(seed: 7)
        var thrown = 0
        for trial in 0..<3000 {
            var bytes = pickle
            switch trial % 3 {
            case 0:
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            case 1:
                bytes.removeSubrange(Int(rng.next() % UInt64(bytes.count))...)
            default:
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0x7F], at: i)
            }
            do {
                _ = try bytes.withUnsafeBytes { buffer in
                    var u = Unpickler(data: buffer, path: "fuzz", entryName: "data.pkl", entryOffset: 0)
                    return try u.load()
                }
            } catch is WeightsError {
                thrown += 1
            }
        }
        #expect(thrown > 1000)
    }

    /// The JSON header parser on mutated headers (length field kept consistent).
    @Test func mutatedHeadersNeverCrash() throws {
        let original = WeightFixtures.bytes("tensors.safetensors")
        let n = Int(original[0]) | Int(original[1]) << 8
        var rng = SplitMix(seed: 99)
        var thrown = 0
        for _ in 0..<1500 {
            var bytes = original
            let i = 8 + Int(rng.next() % UInt64(n))
            let replacements: [UInt8] = Array("{}[]\",:0123456789-.eE\\u tfn".utf8) + [0x00, 0xC3, 0xFF]
            bytes[i] = replacements[Int(rng.next() % UInt64(replacements.count))]
            do {
                _ = try SafeTensors.read(file: MappedFile(copying: bytes, path: "header"))
            } catch is WeightsError {
                thrown += 1
            }
        }
        #expect(thrown > 500)
    }
}

/// SplitMix64, for reproducible fuzz cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
