import Foundation
import Testing
import Tensor
@testable import Checkpoint

struct TorchCheckpointTests {
    /// The same tensors saved with pickle protocol 2 (torch.save's default) and 4, and
    /// rewritten with saturated ZIP64 fields.
    @Test(arguments: ["tensors.pth", "tensors_protocol4.pth", "zip64.pth"])
    func readsEveryDtypeAndLayoutAsPyTorchDoes(_ file: String) throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path(file))
        let expected = WeightFixtures.tensors("tensors")
        #expect(dict.keys == WeightFixtures.strings("tensor_order"))
        for (name, e) in expected {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name) (\(e.dtype)): \(String(describing: dict[name]))")
        }
        #expect(dict.extras.isEmpty)
    }

    @Test func nonContiguousViewsAreMaterialised() throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path("tensors.pth"))
        // Independent of the fixture values: arange(12).reshape(3, 4).t() and friends.
        #expect(dict["transposed"]?.shape == [4, 3])
        #expect(dict["transposed"]?.scalars == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        #expect(dict["strided"]?.scalars == [1, 4, 7])
        #expect(dict["expanded"]?.scalars == [1, 2, 3, 1, 2, 3])
        #expect(dict["view_a"]?.scalars == [1, 1.5, 2, 2.5, 3, 3.5])
        #expect(dict["view_b"]?.scalars == [5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5])
        #expect(dict["scalar"]?.shape == [])
        #expect(dict["scalar"]?.scalars == [3.5])
        #expect(dict["empty"]?.shape == [0, 3])
    }

    @Test func bothFormatsAgree() throws {
        let pth = try TorchCheckpoint.read(path: WeightFixtures.path("tensors.pth"))
        let st = try SafeTensors.read(path: WeightFixtures.path("tensors.safetensors"))
        #expect(Set(pth.keys) == Set(st.keys))
        for key in pth.keys {
            #expect(pth[key]?.shape == st[key]?.shape, "\(key)")
            #expect(pth[key]?.scalars.map(\.bitPattern) == st[key]?.scalars.map(\.bitPattern), "\(key)")
        }
    }

    @Test func nestedTrainingCheckpoint() throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path("nested.pth"))
        #expect(dict.keys == WeightFixtures.strings("model_order"))
        for (name, e) in WeightFixtures.tensors("model") {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name)")
        }
        #expect(dict["bn.num_batches_tracked"]?.shape == [])

        let x = dict.extras
        #expect(x["flop"] == .list([.double(1.1), .double(4.0)]))
        #expect(x["flop"]?.numbers == [1.1, 4.0])
        #expect(x["epoch"] == .int(3))
        #expect(x["anytime_classification"] == .list([.double(78.25), .double(80.8)]))
        #expect(x["budgeted_batch_classification"] == .list([
            .list([.double(1.1), .double(2.2), .double(3.3)]),
            .list([.double(70.0), .double(75.5), .double(80.8)]),
        ]))
        #expect(x["best_acc"] == .double(80.75))     // a 0-d tensor
        #expect(x["max_accuracy"] == .double(79.5))  // numpy.float32
        #expect(x["steps"] == .int(1251))            // numpy.int64
        #expect(x["np_curve"] == .list([.double(1.5), .double(2.25), .double(3.0)]))
        #expect(x["np_matrix"] == .list([.list([.int(0), .int(1), .int(2)]), .list([.int(3), .int(4), .int(5)])]))
        #expect(x["np_big"] == .opaque("numpy.ndarray(shape: [3, 4, 5])"))
        #expect(x["note"] == .string("release"))
        #expect(x["args"] == .opaque("argparse.Namespace"))
        #expect(x["flags"] == .list([.bool(true), .none]))
        #expect(x["big"] == .opaque("int (9 bytes)"))
        #expect(x["scaler"] == .dict([("scale", .double(65536.0)), ("growth_factor", .double(2.0)),
                                      ("_growth_tracker", .int(17))]))
        #expect(x["model"] == nil)
        // The EMA copy is kept as an extra, never used as the weights.
        guard case let .dict(ema)? = x["model_ema"] else {
            Issue.record("model_ema missing from extras")
            return
        }
        #expect(ema.map(\.0) == WeightFixtures.strings("model_order"))
        guard case let .dict(optimizer)? = x["optimizer"] else {
            Issue.record("optimizer missing from extras")
            return
        }
        #expect(optimizer.map(\.0) == ["state", "param_groups"])
    }

    @Test func modulePrefixIsStrippedAndStateDictKeyAccepted() throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path("module_prefix.pth"))
        #expect(dict.keys == WeightFixtures.strings("model_order"))
        for (name, e) in WeightFixtures.tensors("model") {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name)")
        }
        #expect(dict.extras["flops"]?.numbers == [1.1, 3.8])
        #expect(dict.extras["epoch"] == .int(299))
    }

    @Test func bigEndianStoragesAreSwapped() throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path("big_endian.pth"))
        for (name, e) in WeightFixtures.tensors("big_endian") {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name): \(String(describing: dict[name]))")
        }
    }

    @Test func zip64RecordsAreFollowed() throws {
        // Every 32-bit size and offset in zip64.pth is saturated (0xFFFFFFFF); the real ones
        // come from ZIP64 fields and must equal those of the archive it was rewritten from.
        let file = try MappedFile(path: WeightFixtures.path("zip64.pth"))
        let archive = try ZipArchive(file: file)
        let original = try ZipArchive(file: try MappedFile(path: WeightFixtures.path("tensors.pth")))
        #expect(archive.entries.map(\.name) == original.entries.map(\.name))
        #expect(archive.entries.map(\.uncompressedSize) == original.entries.map(\.uncompressedSize))
        #expect(archive.entries.map(\.crc32) == original.entries.map(\.crc32))
        #expect(archive.entries.allSatisfy { $0.localHeaderOffset < file.count })
    }

    @Test func pickledModuleIsRefused() {
        #expect { try TorchCheckpoint.read(path: WeightFixtures.path("bare_module.pth")) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .notAStateDict && e.message.contains("torch.nn.modules.linear.Linear")
                && e.message.contains("state_dict()")
        }
    }

    @Test func compressedEntriesAreRefused() {
        #expect { try TorchCheckpoint.read(path: WeightFixtures.path("compressed.pth")) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .unsupportedArchive && e.message.contains("compressed") && e.offset != nil
        }
    }

    @Test func corruptStorageFailsItsCRC() throws {
        var bytes = WeightFixtures.bytes("tensors.pth")
        // The storage of the first tensor: find it through the archive's own directory.
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let original = dir.file("ok.pth", bytes)
        let archive = try ZipArchive(file: try MappedFile(path: original))
        let entry = try #require(archive.entries.first { $0.name.hasSuffix("/data/0") })
        let start = try archive.data(of: entry).baseAddress! - archive.file.bytes.baseAddress!
        bytes[start + 5] ^= 0x10
        let p = dir.file("bad.pth", bytes)
        #expect { try TorchCheckpoint.read(path: p) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .corruptArchive && e.message.contains("CRC") && e.offset == start
        }
    }

    @Test func archiveSavedWithoutCRCsLoads() throws {
        let dict = try TorchCheckpoint.read(path: WeightFixtures.path("no_crc.pth"))
        for (name, e) in WeightFixtures.tensors("no_crc") {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name)")
        }
    }

    @Test func crcMatchesKnownValues() {
        // Check value of CRC-32/ISO-HDLC (the zip CRC) for "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        // Slicing-by-8 and the byte loop agree across lengths.
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for n in [1, 7, 8, 9, 63, 64, 65, 1000] {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in data.prefix(n) {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            #expect(CRC32.checksum(Array(data.prefix(n))) == ~crc, "n = \(n)")
        }
    }
}

struct UnpicklerTests {
    private func unpickle(_ bytes: [UInt8]) throws -> PickleValue {
        try bytes.withUnsafeBytes { buffer in
            var u = Unpickler(data: buffer, path: "test.pkl", entryName: "data.pkl", entryOffset: 100)
            return try u.load()
        }
    }

    @Test func memoSharesMutableContainers() throws {
        // [[], <same list>] with the inner list filled after it was memoized (pickle.dumps of
        // l = []; x = [l, l]; then l.append(1) would serialize this shape).
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x28, 0x5D, 0x71, 0x01, 0x68, 0x01, 0x65,
                              0x68, 0x01, 0x4B, 0x05, 0x61, 0x30, 0x2E]
        guard case let .list(outer) = try unpickle(bytes), outer.items.count == 2,
              case let .list(a) = outer.items[0], case let .list(b) = outer.items[1] else {
            Issue.record("unexpected structure")
            return
        }
        #expect(a === b)
        #expect(a.items.count == 1)
    }

    @Test func errorsCarryOpcodeAndOffset() {
        // PROTO 2, BINGET of a key that was never stored.
        #expect { try unpickle([0x80, 0x02, 0x68, 0x07, 0x2E]) } throws: { error in
            guard let e = error as? WeightsError else { return false }
            return e.kind == .pickle && e.message.contains("BINGET") && e.offset == 102
        }
        // An opcode torch.save never writes.
        #expect { try unpickle([0x80, 0x02, 0x82, 0x01, 0x2E]) } throws: { error in
            (error as? WeightsError)?.message.contains("EXT1") == true
        }
        // Missing STOP, and a length that runs past the end.
        #expect(throws: WeightsError.self) { try unpickle([0x80, 0x02, 0x4E]) }
        #expect(throws: WeightsError.self) { try unpickle([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0x2E]) }
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        // None wrapped in 100 000 one-tuples, then 100 000 nested lists.
        let tuples: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 100_000) + [0x2E]
        #expect { try unpickle(tuples) } throws: { ($0 as? WeightsError)?.message.contains("nested deeper") == true }
        var lists: [UInt8] = [0x80, 0x02]
        for _ in 0..<50_000 { lists += [0x5D, 0x28] }
        for _ in 0..<50_000 { lists += [0x65] }
        lists += [0x2E]
        #expect { try unpickle(lists) } throws: { ($0 as? WeightsError)?.message.contains("nested deeper") == true }
    }

    @Test func globalsAreNamedNeverCalled() throws {
        // os.system('x') via GLOBAL + REDUCE becomes an opaque object named os.system.
        var p: [UInt8] = [0x80, 0x02, 0x63]
        p += Array("os\nsystem\n".utf8)
        p += [0x58, 0x01, 0x00, 0x00, 0x00, UInt8(ascii: "x"), 0x85, 0x52, 0x2E]
        guard case let .object(o) = try unpickle(p) else {
            Issue.record("expected an opaque object")
            return
        }
        #expect(o.className == "os.system")
    }

    @Test func integersOfEveryWidth() throws {
        // LONG1 of -2 (one byte 0xFE), BININT -5, BININT2 65535, LONG1 of 2^63 (9 bytes).
        let p: [UInt8] = [0x80, 0x02, 0x28, 0x8A, 0x01, 0xFE, 0x4A, 0xFB, 0xFF, 0xFF, 0xFF, 0x4D, 0xFF, 0xFF,
                          0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x00, 0x74, 0x2E]
        guard case let .tuple(items, _) = try unpickle(p) else {
            Issue.record("expected a tuple")
            return
        }
        #expect(items.map(\.shortDescription) == ["-2", "-5", "65535", "<int>"])
    }
}
