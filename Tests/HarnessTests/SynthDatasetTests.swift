import Foundation
import Testing
@testable import Harness

/// End-to-end generation into temporary folders, with small counts.
struct SynthDatasetTests {
    static let small = SynthParameters(seed: 11, classes: 3, trainPerClass: 5, valPerClass: 2)

    static func tempDir(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "synth-tests-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    static func files(under root: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: root)!
        return (e.allObjects as! [String]).filter { $0.hasSuffix(".png") }.sorted()
    }

    static func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    @Test func layoutCountsAndClassBalance() throws {
        let root = Self.tempDir("layout")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try SynthDataset.generate(into: root, parameters: Self.small, threads: 2)
        #expect(report.written == 21 && report.kept == 0)

        let fm = FileManager.default
        for split in SynthSplit.allCases {
            let folders = try fm.contentsOfDirectory(atPath: "\(root)/\(split.rawValue)").sorted()
            // Sorted folder order is class order (that is how ImageNet-style loaders index).
            #expect(folders == (0..<3).map(SynthClasses.folderName))
            for (c, folder) in folders.enumerated() {
                let pngs = try fm.contentsOfDirectory(atPath: "\(root)/\(split.rawValue)/\(folder)")
                    .filter { $0.hasSuffix(".png") }.sorted()
                let n = Self.small.imagesPerClass(split)
                #expect(pngs.count == n, "\(split) class \(c)")
                #expect(pngs == (0..<n).map {
                    (SynthImageID(split: split, classIndex: c, index: $0).relativePath as NSString).lastPathComponent
                })
                // No temporary files left behind.
                #expect(try fm.contentsOfDirectory(atPath: "\(root)/\(split.rawValue)/\(folder)").count == n)
            }
            let csv = try String(contentsOfFile: "\(root)/\(split.rawValue).csv", encoding: .utf8)
            #expect(csv.split(separator: "\n").count == 1 + 3 * Self.small.imagesPerClass(split))
        }

        let m = try SynthManifest.read(from: "\(root)/synth.json")
        #expect(m == report.manifest)
        #expect(m.describes(Self.small))
        #expect(m.generatorVersion == SynthParameters.generatorVersion && m.imageSize == 128)
        #expect(m.classNames == (0..<3).map(SynthClasses.folderName))
        #expect(m.splits["train"]?.images == 15 && m.splits["val"]?.images == 6)
    }

    /// Each file decodes (through libpng, independently of the renderer) to the rendered pixels.
    @Test func filesHoldTheRenderedPixels() throws {
        let root = Self.tempDir("pixels")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try SynthDataset.generate(into: root, parameters: Self.small, splits: [.val], threads: 1)
        for id in SynthDataset.imageIDs(.val, parameters: Self.small) {
            let pixels = SynthRenderer.render(id, seed: Self.small.seed)
            #expect(SynthPNGCheck.matches(path: "\(root)/\(id.relativePath)", pixels: pixels, width: 128, height: 128))
            var other = pixels
            other[5000] ^= 1
            #expect(!SynthPNGCheck.matches(path: "\(root)/\(id.relativePath)", pixels: other, width: 128, height: 128))
        }
    }

    @Test func sameSeedSameBytesAndChecksum() throws {
        let a = Self.tempDir("det-a"), b = Self.tempDir("det-b")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let ra = try SynthDataset.generate(into: a, parameters: Self.small, threads: 1)
        let rb = try SynthDataset.generate(into: b, parameters: Self.small, threads: 1)
        #expect(ra.manifest.checksum == rb.manifest.checksum)
        let files = Self.files(under: a)
        #expect(files.count == 21 && files == Self.files(under: b))
        for f in files { #expect(Self.bytes("\(a)/\(f)") == Self.bytes("\(b)/\(f)"), "\(f)") }
    }

    @Test func differentSeedsDiffer() throws {
        var other = Self.small
        other.seed = 12
        let a = SynthDataset.splitChecksum(.val, parameters: Self.small)
        let b = SynthDataset.splitChecksum(.val, parameters: other)
        #expect(a != b)
        // Not just the checksum: every single image differs.
        for id in SynthDataset.imageIDs(.val, parameters: Self.small) {
            #expect(SynthRenderer.render(id, seed: 11) != SynthRenderer.render(id, seed: 12))
        }
    }

    @Test func parallelGenerationEqualsSerial() throws {
        let params = SynthParameters(seed: 5, classes: 10, trainPerClass: 7, valPerClass: 3)
        let a = Self.tempDir("serial"), b = Self.tempDir("parallel")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let serial = try SynthDataset.generate(into: a, parameters: params, threads: 1)
        let parallel = try SynthDataset.generate(into: b, parameters: params, threads: 4)
        #expect(serial.manifest == parallel.manifest)
        for f in Self.files(under: a) { #expect(Self.bytes("\(a)/\(f)") == Self.bytes("\(b)/\(f)"), "\(f)") }
        // The disk-free checksum agrees too, whatever the thread count.
        #expect(SynthDataset.splitChecksum(.train, parameters: params, threads: 3)
            == serial.manifest.splits["train"]?.checksum)
    }

    /// Split by split gives the same manifest as all at once.
    @Test func splitsCanBeGeneratedSeparately() throws {
        let a = Self.tempDir("sep"), b = Self.tempDir("all")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let valOnly = try SynthDataset.generate(into: a, parameters: Self.small, splits: [.val], threads: 2)
        #expect(valOnly.manifest.splits.keys.sorted() == ["val"])
        let both = try SynthDataset.generate(into: a, parameters: Self.small, splits: [.train], threads: 2)
        let all = try SynthDataset.generate(into: b, parameters: Self.small, threads: 2)
        #expect(both.manifest == all.manifest)
        #expect(both.manifest.checksum != valOnly.manifest.checksum)
    }

    /// A re-run keeps intact files and rewrites missing or damaged ones (interrupted runs resume).
    @Test func rerunKeepsGoodFilesAndRepairsOthers() throws {
        let root = Self.tempDir("resume")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try SynthDataset.generate(into: root, parameters: Self.small, threads: 2)
        let files = Self.files(under: root)
        let missing = "\(root)/\(files[3])", truncated = "\(root)/\(files[10])"
        let original = Self.bytes(truncated)
        try FileManager.default.removeItem(atPath: missing)
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: truncated))
        let second = try SynthDataset.generate(into: root, parameters: Self.small, threads: 2)
        #expect(second.written == 2 && second.kept == 19)
        #expect(second.manifest == first.manifest)
        #expect(Self.bytes(truncated) == original)
        let third = try SynthDataset.generate(into: root, parameters: Self.small, threads: 2)
        #expect(third.written == 0 && third.kept == 21)
    }

    @Test func refusesAFolderHoldingAnotherDataset() throws {
        let root = Self.tempDir("mismatch")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try SynthDataset.generate(into: root, parameters: Self.small, splits: [.val], threads: 1)
        var other = Self.small
        other.seed = 99
        #expect(throws: SynthError.self) {
            try SynthDataset.generate(into: root, parameters: other, splits: [.val], threads: 1)
        }
        do {
            _ = try SynthDataset.generate(into: root, parameters: other, threads: 1)
            Issue.record("a folder holding another dataset was accepted")
        } catch let error as SynthError {
            #expect(error.description.contains("seed 11, asked 99"))
            #expect(error.description.contains("synth.json"))
        }
    }

    /// An interrupted run leaves the parameters behind, so a run with other ones is refused,
    /// and files a loader would miscount are refused too; our own temporary files are removed.
    @Test func strayAndTemporaryFiles() throws {
        let root = Self.tempDir("stray")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try SynthDataset.generate(into: root, parameters: Self.small, threads: 1)
        let folder = "\(root)/val/\(SynthClasses.folderName(1))"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(folder)/val_01_00000.png.tmp-4242"))
        let rerun = try SynthDataset.generate(into: root, parameters: Self.small, splits: [.val], threads: 1)
        #expect(rerun.kept == 6)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/val_01_00000.png.tmp-4242"))

        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(folder)/extra.png"))
        do {
            _ = try SynthDataset.generate(into: root, parameters: Self.small, splits: [.val], threads: 1)
            Issue.record("a stray PNG was accepted")
        } catch let error as SynthError {
            #expect(error.description.contains("extra.png"))
        }
    }

    @Test func completedManifestOnlyForAFinishedMatchingDataset() throws {
        let root = Self.tempDir("complete")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(SynthDataset.completedManifest(at: root, parameters: Self.small) == nil)
        _ = try SynthDataset.generate(into: root, parameters: Self.small, splits: [.val], threads: 1)
        #expect(SynthDataset.completedManifest(at: root, parameters: Self.small, splits: [.val]) != nil)
        #expect(SynthDataset.completedManifest(at: root, parameters: Self.small) == nil)
        var other = Self.small
        other.valPerClass = 3
        #expect(SynthDataset.completedManifest(at: root, parameters: other, splits: [.val]) == nil)
        let all = try SynthDataset.generate(into: root, parameters: Self.small, threads: 1)
        #expect(SynthDataset.completedManifest(at: root, parameters: Self.small) == all.manifest)
    }

    @Test func unreadableManifestIsATypedError() throws {
        let root = Self.tempDir("badjson")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: "\(root)/synth.json"))
        #expect(throws: SynthError.self) {
            try SynthDataset.generate(into: root, parameters: Self.small, threads: 1)
        }
    }

    @Test func invalidParametersAreRejected() {
        for bad in [SynthParameters(classes: 0), SynthParameters(classes: SynthClasses.count + 1),
                    SynthParameters(trainPerClass: -1), SynthParameters(valPerClass: -3)] {
            #expect(throws: SynthError.self) { try bad.validate() }
        }
        #expect(throws: Never.self) { try SynthParameters().validate() }
    }

    /// The defaults are the issue's minimum: 10 classes, 500 train and 100 val per class.
    @Test func defaultsMeetTheIssue() {
        let p = SynthParameters()
        #expect(p.classes >= 10 && p.trainPerClass >= 500 && p.valPerClass >= 100)
    }
}
