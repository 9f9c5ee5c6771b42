import Foundation
import Testing
import Tensor
@testable import Checkpoint

struct CheckpointFileTests {
    @Test func dispatchesOnMagicBytesNotExtension() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // A safetensors file named .pth and a torch.save file named .safetensors.
        let st = dir.file("weights.pth", WeightFixtures.bytes("tensors.safetensors"))
        let pth = dir.file("weights.safetensors", WeightFixtures.bytes("tensors.pth"))
        #expect(try CheckpointFile.format(path: st) == .safetensors)
        #expect(try CheckpointFile.format(path: pth) == .torchZip)
        let a = try CheckpointFile.load(path: st)
        let b = try CheckpointFile.load(path: pth)
        for (name, e) in WeightFixtures.tensors("tensors") {
            #expect(WeightFixtures.sameBits(a[name], e), "\(name)")
            #expect(WeightFixtures.sameBits(b[name], e), "\(name)")
        }
    }

    @Test func loadsReleasedLayoutWithExtras() throws {
        let dict = try CheckpointFile.load(path: WeightFixtures.path("nested.pth"))
        #expect(dict.count == WeightFixtures.strings("model_order").count)
        #expect(dict.extras["flop"]?.numbers == [1.1, 4.0])
        let prefixed = try CheckpointFile.load(path: WeightFixtures.path("module_prefix.pth"))
        #expect(prefixed.keys == WeightFixtures.strings("model_order"))
    }

    @Test func stripsModulePrefixInSafetensorsToo() throws {
        var dict = StateDict()
        dict["module.head.weight"] = Tensor(shape: [1, 2], scalars: [1, 2])
        dict["module.head.bias"] = Tensor(shape: [1], scalars: [3])
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.path + "/ddp.safetensors"
        try SafeTensors.write(dict, to: p)
        let loaded = try CheckpointFile.load(path: p)
        #expect(Set(loaded.keys) == ["head.weight", "head.bias"])
        #expect(loaded["head.weight"]?.scalars == [1, 2])
    }

    @Test func prefixCollisionIsAnError() throws {
        var dict = StateDict()
        dict["module.a"] = Tensor(shape: [1], scalars: [1])
        dict["a"] = Tensor(shape: [1], scalars: [2])
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.path + "/both.safetensors"
        try SafeTensors.write(dict, to: p)
        #expect { try CheckpointFile.load(path: p) } throws: { ($0 as? WeightsError)?.kind == .notAStateDict }
    }

    @Test func legacyFormatTellsTheUserToResave() throws {
        #expect(try CheckpointFile.format(path: WeightFixtures.path("legacy.pt")) == .legacyPickle)
        #expect { try CheckpointFile.load(path: WeightFixtures.path("legacy.pt")) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .legacyTorchFormat && e.message.contains("PyTorch < 1.6")
                && e.message.contains("torch.save")
        }
    }

    @Test func unknownAndEmptyFiles() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let text = dir.file("notes.pth", Array("hello, this is not a checkpoint".utf8))
        #expect { try CheckpointFile.load(path: text) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .unknownFormat && e.message.contains("68 65 6c 6c")
        }
        let empty = dir.file("empty.safetensors", [])
        #expect { try CheckpointFile.load(path: empty) } throws: { ($0 as? WeightsError)?.kind == .unknownFormat }
        #expect { try CheckpointFile.load(path: dir.path + "/missing.pth") } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .io && e.message.contains("No such file")
        }
        #expect { try CheckpointFile.load(path: dir.path) } throws: { ($0 as? WeightsError)?.kind == .io }
    }

    @Test func zipWithoutDataPickle() throws {
        // The end-of-central-directory record of an empty zip archive.
        let emptyZip: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.file("empty.zip", emptyZip)
        #expect(try CheckpointFile.format(path: p) == .torchZip)
        #expect { try CheckpointFile.load(path: p) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .unknownFormat && e.message.contains("data.pkl")
        }
    }

    @Test func topLevelWithoutTensorsListsItsKeys() throws {
        // {'model_ema': {}, 'epoch': 1}, pickled by hand, in a stored zip.
        let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x28, 0x58, 0x09, 0, 0, 0] + Array("model_ema".utf8)
            + [0x7D, 0x58, 0x05, 0, 0, 0] + Array("epoch".utf8) + [0x4B, 0x01, 0x75, 0x2E]
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.file("noweights.pth", StoredZip.archive([("archive/data.pkl", pickle),
                                                             ("archive/byteorder", Array("little".utf8))]))
        #expect { try CheckpointFile.load(path: p) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .notAStateDict && e.message.contains("'epoch' (int)")
                && e.message.contains("model_ema")
        }
    }
}

struct HandmadeArchiveTests {
    private func load(_ pickle: [UInt8], storage: [UInt8], extra: [(String, [UInt8])] = []) throws -> StateDict {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.file("hand.pth", StoredZip.archive([("archive/data.pkl", pickle),
                                                        ("archive/data/0", storage)] + extra))
        return try CheckpointFile.load(path: p)
    }

    private let sixFloats: [UInt8] = (0..<6).flatMap { i -> [UInt8] in
        let b = Float(i).bitPattern
        return (0..<4).map { UInt8(truncatingIfNeeded: b >> (8 * UInt32($0))) }
    }

    @Test func handBuiltTensorLoads() throws {
        let dict = try load(PickleBuilder.stateDict(count: 6, offset: 1, sizes: [2, 2], strides: [1, 2]), storage: sixFloats)
        // Elements 1 + i + 2j for i, j in 0..<2, row-major over (i, j).
        #expect(dict["w"]?.scalars == [1, 3, 2, 4])
    }

    @Test func viewBeyondItsStorageIsRefused() {
        #expect {
            try load(PickleBuilder.stateDict(count: 6, offset: 3, sizes: [2, 2], strides: [2, 1]), storage: sixFloats)
        } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .invalidTensor && e.message.contains("reaches element 6")
        }
    }

    @Test func storageShorterThanDeclaredIsRefused() {
        #expect {
            try load(PickleBuilder.stateDict(count: 8, offset: 0, sizes: [6], strides: [1]), storage: sixFloats)
        } throws: { ($0 as? WeightsError)?.kind == .truncated }
    }

    @Test func missingStorageEntryIsRefused() {
        #expect {
            try load(PickleBuilder.stateDict(count: 6, offset: 0, sizes: [6], strides: [1], key: "7"), storage: sixFloats)
        } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .corruptArchive && e.message.contains("archive/data/7")
        }
    }

    @Test func unsupportedStorageTypeIsNamed() {
        #expect {
            try load(PickleBuilder.stateDict(count: 3, offset: 0, sizes: [3], strides: [1], storageClass: "ComplexFloatStorage"),
                     storage: sixFloats)
        } throws: { error in
            (error as? WeightsError)?.kind == .unsupportedDtype("torch.ComplexFloatStorage")
        }
    }

    @Test func quantizedWeightIsRefusedNotDropped() {
        // {'w': torch._utils._rebuild_qtensor()} next to a plain tensor.
        let pickle: [UInt8] = [0x80, 0x02, 0x7D] + PickleBuilder.unicode("q")
            + PickleBuilder.global("torch._utils", "_rebuild_qtensor") + [0x29, 0x52, 0x73]
        let plain = PickleBuilder.stateDict(count: 6, offset: 0, sizes: [6], strides: [1])
        // Splice: plain dict's SETITEM + STOP replaced by ours.
        let combined = Array(plain.dropLast(1)) + Array(pickle.dropFirst(3)) + [0x2E]
        #expect { try load(combined, storage: sixFloats) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .invalidTensor && e.message.contains("_rebuild_qtensor")
        }
    }

    @Test func torchScriptArchiveIsRefused() {
        #expect {
            try load(PickleBuilder.stateDict(count: 6, offset: 0, sizes: [6], strides: [1]), storage: sixFloats,
                     extra: [("archive/constants.pkl", [0x80, 0x02, 0x29, 0x2E])])
        } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .unsupportedArchive && e.message.contains("TorchScript")
        }
    }
}

/// Pickles of `{'w': tensor}` in the shape torch.save writes them (protocol 2).
enum PickleBuilder {
    static func unicode(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return [0x58, UInt8(b.count), 0, 0, 0] + b
    }

    static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    static func intTuple(_ values: [Int]) -> [UInt8] {
        [0x28] + values.flatMap { [0x4B, UInt8($0)] } + [0x74]
    }

    static func stateDict(count: Int, offset: Int, sizes: [Int], strides: [Int], key: String = "0",
                          storageClass: String = "FloatStorage") -> [UInt8] {
        var p: [UInt8] = [0x80, 0x02, 0x7D] + unicode("w") + global("torch._utils", "_rebuild_tensor_v2")
        p += [0x28, 0x28] + unicode("storage") + global("torch", storageClass) + unicode(key) + unicode("cpu")
        p += [0x4B, UInt8(count), 0x74, 0x51]
        p += [0x4B, UInt8(offset)] + intTuple(sizes) + intTuple(strides) + [0x89]
        p += global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52, 0x73, 0x2E]
        return p
    }
}

/// A minimal stored-zip writer for hand-made archives in tests (local headers, central
/// directory, end record; CRC from the package's CRC32, itself checked against the
/// published check value in TorchCheckpointTests).
enum StoredZip {
    static func archive(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        for (name, data) in entries {
            let n = Array(name.utf8)
            let crc = CRC32.checksum(data)
            let offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(n.count) + le16(0) + n + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
                + le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(n.count)
                + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + n
        }
        let cdOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(UInt32(central.count)) + le32(cdOffset) + le16(0)
        return out
    }
}
