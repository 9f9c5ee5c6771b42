import Foundation
import RunStore
import Testing

/// The listing summary of a run and `--strict-data`, through the binary: a symlink back to the
/// dataset root is reported and its images are not evaluated twice; in strict mode it, and any
/// image that cannot be decoded, stop the run before a model runs or the store is created.
struct DataListingTests {
    let dir = CLI.temporaryDirectory("listing")
    let data: String
    let suite: String

    init() throws {
        data = try Fixture.dataset(in: dir, classes: 3, perClass: 2)
        suite = try Fixture.suite(in: dir, data: data)
    }

    func run(_ db: String, _ extra: [String] = [], suite: String? = nil) throws -> CLI.Result {
        try CLI.run(["--suite", suite ?? self.suite, "--db", dir + "/" + db, "--batch", "4", "--mode", "accuracy",
                     "--no-report"] + extra)
    }

    /// (rel_path, class_index) of every listed image in the store.
    static func images(_ path: String) throws -> [String] {
        let store = try RunStore.open(at: path, access: .readOnly)
        defer { store.close() }
        return try store.database.query("SELECT rel_path, class_index FROM images ORDER BY position") {
            "\($0.string(0)) \($0.string(1))"
        }
    }

    func loop() throws {
        guard symlink("..", data + "/class2/loop") == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    @Test func loopToTheRootIsReportedAndEachImageEvaluatedOnce() throws {
        try loop()
        let r = try run("loop.sqlite")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("data: class2/loop → the dataset root: not followed\n"))
        #expect(try Self.images(dir + "/loop.sqlite") == [
            "class0/img0.png 0", "class0/img1.png 0", "class1/img0.png 1", "class1/img1.png 1",
            "class2/img0.png 2", "class2/img1.png 2",
        ])
    }

    @Test func strictDataRefusesTheLoopBeforeAnythingIsWritten() throws {
        try loop()
        let r = try run("strict.sqlite", ["--strict-data"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--strict-data: 1 data problem (6 images checked); no model was run:\n  class2/loop → the dataset root: not followed\n"))
        #expect(!r.stderr.contains("vit: "))
        #expect(!FileManager.default.fileExists(atPath: dir + "/strict.sqlite"))
    }

    @Test func strictDataNamesImagesThatCannotBeDecoded() throws {
        try Data([0xFF, 0xD8, 0xFF]).write(to: URL(fileURLWithPath: data + "/class1/cut.jpg"))
        let r = try run("bad.sqlite", ["--strict-data"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("1 data problem (7 images checked)"))
        #expect(r.stderr.contains("  skipped #2 class1/cut.jpg: truncated: "))
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.sqlite"))
        // Without the flag the run skips it and goes on.
        let lenient = try run("lenient.sqlite")
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains(": 1 image skipped (1 truncated)"))
        #expect(!lenient.stderr.contains("skipped 1"))
    }

    @Test func strictDataPassesACleanFolderAndIsASuiteSetting() throws {
        let clean = try run("clean.sqlite", ["--strict-data"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stderr.contains("data: strict check passed: 6 images read, nothing left out"))
        #expect(try Self.images(dir + "/clean.sqlite").count == 6)

        try loop()
        let text = try String(contentsOfFile: suite, encoding: .utf8)
            .replacingOccurrences(of: #""dataset": {"path": "\#(data)"}"#, with: #""dataset": {"path": "\#(data)", "strict": true}"#)
        #expect(text.contains(#""strict": true"#))
        let strictSuite = dir + "/strict-suite.json"
        try text.write(toFile: strictSuite, atomically: true, encoding: .utf8)
        let r = try run("suite.sqlite", suite: strictSuite)
        #expect(r.status != 0)
        #expect(r.stderr.contains("class2/loop → the dataset root: not followed"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/suite.sqlite"))
    }
}
