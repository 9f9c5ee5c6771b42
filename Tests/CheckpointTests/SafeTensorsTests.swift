import Foundation
import Testing
import Tensor
@testable import Checkpoint

struct SafeTensorsReaderTests {
    @Test func readsEveryDtypeAsPyTorchConvertsIt() throws {
        let dict = try SafeTensors.read(path: WeightFixtures.path("tensors.safetensors"))
        let expected = WeightFixtures.tensors("tensors")
        #expect(Set(dict.keys) == Set(expected.keys))
        for (name, e) in expected {
            #expect(WeightFixtures.sameBits(dict[name], e), "\(name) (\(e.dtype)): \(String(describing: dict[name]))")
        }
    }

    @Test func keysComeInDataOrderAndMetadataBecomesExtras() throws {
        let header = try SafeTensors.readHeader(path: WeightFixtures.path("tensors.safetensors"))
        let offsets = header.entries.map(\.dataOffsets.lowerBound)
        #expect(offsets == offsets.sorted())
        #expect(header.headerLength % 8 == 0)
        let dict = try SafeTensors.read(path: WeightFixtures.path("tensors.safetensors"))
        #expect(dict.keys == header.entries.map(\.name))
        let metadata = WeightFixtures.expected["safetensors_metadata"] as! [String: String]
        #expect(header.metadata == metadata)
        for (k, v) in metadata { #expect(dict.extras[k] == .string(v)) }
    }

    @Test func headerReportsDtypesAndShapes() throws {
        let header = try SafeTensors.readHeader(path: WeightFixtures.path("tensors.safetensors"))
        let byName = Dictionary(uniqueKeysWithValues: header.entries.map { ($0.name, $0) })
        #expect(byName["bf16"]?.dtype == "BF16")
        #expect(byName["u8"]?.dtype == "U8")
        #expect(byName["bool"]?.dtype == "BOOL")
        #expect(byName["num_batches_tracked"]?.dtype == "I64")
        #expect(byName["scalar"]?.shape == [])
        #expect(byName["empty"]?.shape == [0, 3])
        #expect(byName["empty"]?.dataOffsets.count == 0)
    }

    @Test func rawBytesOfU8() throws {
        let raw = try SafeTensors.readRaw(path: WeightFixtures.path("tensors.safetensors"))
        #expect(raw["u8"] == SafeTensors.RawTensor(dtype: "U8", shape: [3], bytes: [0, 255, 17]))
        #expect(raw["bool"]?.bytes == [1, 0, 1])
    }
}

struct SafeTensorsWriterTests {
    /// The dict from expected.json["writer"], built in Swift.
    private func writerInput() -> (StateDict, [String: String]) {
        let section = WeightFixtures.expected["writer"] as! [String: Any]
        let raw = section["tensors"] as! [String: [String: Any]]
        var dict = StateDict()
        // Insert in a scrambled order: the writer must sort.
        for name in raw.keys.sorted().reversed() {
            let entry = raw[name]!
            let shape = (entry["shape"] as! [NSNumber]).map(\.intValue)
            let bits = (entry["bits"] as! [NSNumber]).map { UInt32(bitPattern: $0.int32Value) }
            dict[name] = Tensor(shape: shape, scalars: bits.map { Float(bitPattern: $0) })
        }
        return (dict, section["metadata"] as! [String: String])
    }

    @Test func writesTheReferenceImplementationsBytes() throws {
        let (dict, metadata) = writerInput()
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.path + "/written.safetensors"
        try SafeTensors.write(dict, metadata: metadata, to: out)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        let reference = WeightFixtures.bytes("writer_expected.safetensors")
        #expect(written.count == reference.count)
        #expect(written == reference, "first difference at byte \(zip(written, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
    }

    @Test func roundTripsAndLeavesNoTemporaryFile() throws {
        let source = try SafeTensors.read(path: WeightFixtures.path("tensors.safetensors"))
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.path + "/round.safetensors"
        try SafeTensors.write(source, metadata: ["note": "line\nbreak \"quoted\""], to: out)
        let back = try SafeTensors.read(path: out)
        #expect(Set(back.keys) == Set(source.keys))
        for key in source.keys {
            #expect(back[key]?.shape == source[key]?.shape)
            #expect(back[key]?.scalars.map(\.bitPattern) == source[key]?.scalars.map(\.bitPattern), "\(key)")
        }
        #expect(back.extras["note"] == .string("line\nbreak \"quoted\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["round.safetensors"])
        // Deterministic: writing again gives the same bytes.
        let again = dir.path + "/again.safetensors"
        try SafeTensors.write(back, metadata: ["note": "line\nbreak \"quoted\""], to: again)
        #expect(FileManager.default.contentsEqual(atPath: out, andPath: again))
    }

    @Test func refusesReservedNameAndUnwritableDirectory() {
        var dict = StateDict()
        dict["__metadata__"] = Tensor(zeros: [1])
        #expect(throws: WeightsError.self) { try SafeTensors.write(dict, to: NSTemporaryDirectory() + "/x.safetensors") }
        var ok = StateDict()
        ok["a"] = Tensor(zeros: [1])
        #expect { try SafeTensors.write(ok, to: "/nonexistent-dir/x.safetensors") } throws: { error in
            (error as? WeightsError)?.kind == .io
        }
    }
}

struct SafeTensorsMalformedTests {
    private func load(_ bytes: [UInt8]) -> WeightsError? {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.file("bad.safetensors", bytes)
        do {
            _ = try SafeTensors.read(path: p)
            return nil
        } catch let e as WeightsError {
            #expect(e.path == p)
            return e
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    private let f32x2: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40] // [1, 2]

    @Test func headerLengthBeyondFile() {
        let e = load(HandmadeSafeTensors.file(header: "{}", data: [], declaredLength: 1000))
        #expect(e?.kind == .truncated)
        #expect(e?.offset == 0)
        #expect(e?.message.contains("1000") == true)
    }

    @Test func headerLengthAboveLimit() {
        let e = load(HandmadeSafeTensors.file(header: "{}", data: [], declaredLength: 200_000_000))
        #expect(e?.kind == .malformedHeader)
    }

    @Test func fileShorterThanLengthField() {
        #expect(load([1, 2, 3])?.kind == .truncated)
        #expect(load([])?.kind == .truncated)
    }

    @Test func badJSONNamesTheByte() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]],}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .malformedHeader)
        // The stray ']' closing the object is the last one in the header.
        let stray = Array(header.utf8).lastIndex(of: UInt8(ascii: "]"))!
        #expect(e?.offset == 8 + stray)
        #expect(e?.message.contains("expected ',' or '}'") == true)
    }

    @Test func invalidUTF8InANameIsLocated() {
        var header = Array(#"{"aX":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#.utf8)
        header[3] = 0xFF
        let file = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + f32x2
        let e = load(file)
        #expect(e?.kind == .malformedHeader)
        #expect(e?.message.contains("UTF-8") == true)
        #expect(e?.offset == 8 + 1)
    }

    @Test func headerThatIsNotAnObject() {
        #expect(load(HandmadeSafeTensors.file(header: "[1, 2]  ", data: []))?.kind == .malformedHeader)
    }

    @Test func duplicateTensorName() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .malformedHeader)
        #expect(e?.message.contains("duplicate") == true)
    }

    @Test func unknownDtypeIsNamedAndLocated() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F33","shape":[1],"data_offsets":[4,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .unsupportedDtype("F33"))
        #expect(e?.description.contains("F33") == true)
        // Points at b's entry: the '{' after "b":
        let entryStart = header.utf8.count - #"{"dtype":"F33","shape":[1],"data_offsets":[4,8]}}"#.utf8.count
        #expect(e?.offset == 8 + entryStart)
    }

    @Test func knownButUnconvertibleDtypeIsNamed() {
        let header = #"{"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .unsupportedDtype("F8_E4M3"))
    }

    @Test func offsetsNotMatchingShapeTimesDtype() {
        let header = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .invalidOffsets)
        #expect(e?.message.contains("needs 12") == true)
    }

    @Test func overlappingOffsets() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .invalidOffsets)
        #expect(e?.message.contains("overlaps") == true)
        let headerLength = Array(header.utf8).count
        #expect(e?.offset == 8 + headerLength + 4)
    }

    @Test func gapBetweenTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .invalidOffsets)
        #expect(e?.message.contains("gap") == true)
    }

    @Test func offsetsBeyondFileAreTruncation() {
        let header = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
        #expect(e?.kind == .truncated)
        #expect(e?.message.contains("ends at byte") == true)
    }

    @Test func trailingBytesAreRefusedLikeTheReference() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(load(HandmadeSafeTensors.file(header: header, data: f32x2))?.kind == .invalidOffsets)
    }

    @Test func endBeforeBegin() {
        let header = #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#
        #expect(load(HandmadeSafeTensors.file(header: header, data: f32x2))?.kind == .invalidOffsets)
    }

    @Test func malformedFields() {
        for header in [
            #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}"#,
            #"{"a":[1,2]}"#,
            #"{"__metadata__":{"format":3}}"#,
            #"{"__metadata__":"pt"}"#,
            #"{"a":{"dtype":"F32","shape":[9223372036854775807,4],"data_offsets":[0,8]}}"#,
        ] {
            let e = load(HandmadeSafeTensors.file(header: header, data: f32x2))
            #expect(e?.kind == .malformedHeader, "\(header): \(String(describing: e))")
        }
    }

    @Test func acceptsEscapesAndPaddingInHeader() throws {
        let header = #"{"__metadata__":{"k\u00e9y":"v\n"},"\ud83d\ude00":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   "#
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let p = dir.file("ok.safetensors", HandmadeSafeTensors.file(header: header, data: f32x2))
        let dict = try SafeTensors.read(path: p)
        #expect(dict["😀"]?.scalars == [1, 2])
        #expect(dict.extras["kéy"] == .string("v\n"))
    }

    @Test func errorDescriptionNamesFileAndOffset() {
        let e = WeightsError(.truncated, path: "/x/y.safetensors", "ends early", offset: 42)
        #expect(e.description == "/x/y.safetensors: ends early (at byte 42)")
    }
}
