import Foundation
import Testing
@testable import ImageData

/// Symlinked folders and files, and label files naming a file twice: every real image is
/// listed once, under its own class, and what was not followed is said by name.
struct SymlinkListingTests {
    /// `root/<class>/<class>_<i>.jpg` for each (class, count).
    static func corpus(_ classes: [(String, Int)]) throws -> TempDir {
        let dir = try TempDir()
        for (name, count) in classes {
            try dir.mkdir(name)
            for i in 0..<count { try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "\(name)/\(name)_\(i).jpg") }
        }
        return dir
    }

    static func listing(_ d: Dataset) -> [String] {
        d.entries.map { "\($0.relativePath) \($0.className)" }
    }

    /// The issue's corpus: `class_c/loop -> ..` used to list class_a and class_b a second time,
    /// labelled class_c.
    @Test func loopToTheRootIsNotFollowed() throws {
        let dir = try Self.corpus([("class_a", 9), ("class_b", 7), ("class_c", 3)])
        try dir.symlink("class_c/loop", to: "..")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(d.entries.count == 19)
        #expect(Set(d.entries.map(\.path)).count == 19)
        #expect(d.entries.filter { $0.className == "class_c" }.map(\.relativePath.description)
                == ["class_c/class_c_0.jpg", "class_c/class_c_1.jpg", "class_c/class_c_2.jpg"])
        #expect(d.entries.allSatisfy { $0.relativePath.description.hasPrefix($0.className + "/") })
        #expect(d.entries.map(\.label) == Array(repeating: 0, count: 9) + Array(repeating: 1, count: 7) + [2, 2, 2])
        #expect(d.report.linksNotFollowed == ["class_c/loop → the dataset root: not followed"])
        #expect(d.report.lines.contains("class_c/loop → the dataset root: not followed"))
        #expect(d.report.problems == ["class_c/loop → the dataset root: not followed"])
    }

    @Test func linkAboveTheRootIsNotFollowed() throws {
        let dir = try Self.corpus([("class_a", 2)])
        try dir.mkdir("val")
        try FileManager.default.moveItem(atPath: dir.path + "/class_a", toPath: dir.path + "/val/class_a")
        try dir.symlink("val/class_a/up", to: "../..")
        let d = try Dataset.classFolders(root: dir.raw.appending("val"))
        #expect(Self.listing(d) == ["class_a/class_a_0.jpg class_a", "class_a/class_a_1.jpg class_a"])
        let resolvedParent = try #require(Directory.resolved(dir.raw)).description
        #expect(d.report.linksNotFollowed == ["class_a/up → \(resolvedParent), a folder above the dataset root: not followed"])
    }

    @Test func linkToASiblingClassOrIntoItIsNotFollowed() throws {
        let dir = try Self.corpus([("class_a", 2), ("class_b", 2)])
        try dir.mkdir("class_b/sub")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "class_b/sub/deep.jpg")
        // class_b is walked after class_a: the links are still recognised.
        try dir.symlink("class_a/b", to: "../class_b")
        try dir.symlink("class_a/b_sub", to: "../class_b/sub")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(Self.listing(d) == ["class_a/class_a_0.jpg class_a", "class_a/class_a_1.jpg class_a",
                                    "class_b/class_b_0.jpg class_b", "class_b/class_b_1.jpg class_b",
                                    "class_b/sub/deep.jpg class_b"])
        #expect(d.report.linksNotFollowed == ["class_a/b → class folder class_b: not followed",
                                              "class_a/b_sub → class_b/sub, already listed: not followed"])
    }

    @Test func linkIntoItselfIsNotFollowed() throws {
        let dir = try Self.corpus([("cls", 1)])
        try dir.mkdir("cls/sub")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "cls/sub/a.jpg")
        try dir.symlink("cls/self", to: ".")
        try dir.symlink("cls/sub/up", to: "..")
        try dir.symlink("cls/sub/here", to: ".")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(Self.listing(d) == ["cls/cls_0.jpg cls", "cls/sub/a.jpg cls"])
        #expect(d.report.linksNotFollowed == ["cls/self → its own class folder cls: not followed",
                                              "cls/sub/here → cls/sub, already listed: not followed",
                                              "cls/sub/up → its own class folder cls: not followed"])
    }

    /// A class folder that is itself a link to another class folder is refused; the real
    /// folder keeps its images whichever name sorts first.
    @Test func classFolderLinkedToAnotherClassFolder() throws {
        let dir = try Self.corpus([("class_b", 2)])
        try dir.symlink("class_a", to: "class_b")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(Self.listing(d) == ["class_b/class_b_0.jpg class_b", "class_b/class_b_1.jpg class_b"])
        #expect(d.classes?.names == ["class_a", "class_b"])
        #expect(d.report.linksNotFollowed == ["class_a → class folder class_b: not followed"])
        #expect(d.report.emptyClassFolders == ["class_a"])
    }

    /// Val assembled from elsewhere: linked class folders, linked folders and linked files that
    /// lead outside the tree are listed as before; a second link to the same outside folder or
    /// file is not.
    @Test func linksOutsideTheTreeKeepWorking() throws {
        let outside = try Self.corpus([("pool", 3), ("d", 2), ("files", 1)])
        let dir = try Self.corpus([("class_a", 1), ("class_b", 1)])
        try dir.symlink("class_a/ext", to: outside.path + "/pool")
        try dir.symlink("class_b/ext_again", to: outside.path + "/pool")
        try dir.symlink("class_b/x.jpg", to: outside.path + "/files/files_0.jpg")
        try dir.symlink("class_b/x_again.jpg", to: outside.path + "/files/files_0.jpg")
        try dir.symlink("class_b/y.jpg", to: outside.path + "/d/d_0.jpg")
        try dir.symlink("class_d", to: outside.path + "/d")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(Self.listing(d) == ["class_a/class_a_0.jpg class_a", "class_a/ext/pool_0.jpg class_a",
                                    "class_a/ext/pool_1.jpg class_a", "class_a/ext/pool_2.jpg class_a",
                                    "class_b/class_b_0.jpg class_b", "class_b/x.jpg class_b",
                                    "class_d/d_0.jpg class_d", "class_d/d_1.jpg class_d"])
        #expect(d.report.linksNotFollowed == ["class_b/ext_again → class_a/ext, already listed: not followed"])
        // Class folders are walked before any link inside them is followed, so d_0.jpg stays
        // under class_d, where it really is.
        #expect(d.report.duplicates == ["class_b/x_again.jpg → class_b/x.jpg, already listed: left out",
                                        "class_b/y.jpg → class_d/d_0.jpg, already listed: left out"])
        #expect(try ImageDecoder().decode(path: d.entries[5].path).width == 1)
    }

    /// A symlinked file inside the tree points at an image listed under its own class.
    @Test func linkedFileInsideTheTreeIsListedOnceUnderItsOwnClass() throws {
        let dir = try Self.corpus([("class_a", 1), ("class_b", 1)])
        try dir.symlink("class_a/borrowed.jpg", to: "../class_b/class_b_0.jpg")
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(Self.listing(d) == ["class_a/class_a_0.jpg class_a", "class_b/class_b_0.jpg class_b"])
        #expect(d.report.duplicates == ["class_a/borrowed.jpg → class_b/class_b_0.jpg, already listed: left out"])
        #expect(d.report.lines.contains("class_a/borrowed.jpg → class_b/class_b_0.jpg, already listed: left out"))
    }

    @Test func unlabeledLayoutFollowsTheSameRule() throws {
        let outside = try Self.corpus([("pool", 2)])
        let dir = try Self.corpus([("a", 2), ("b", 1)])
        try dir.symlink("b/loop", to: "..")
        try dir.symlink("b/a", to: "../a")
        try dir.symlink("b/ext", to: outside.path + "/pool")
        let d = try Dataset.unlabeled(root: dir.raw)
        #expect(d.entries.map(\.relativePath.description)
                == ["a/a_0.jpg", "a/a_1.jpg", "b/b_0.jpg", "b/ext/pool_0.jpg", "b/ext/pool_1.jpg"])
        #expect(d.report.linksNotFollowed == ["b/a → a, already listed: not followed",
                                              "b/loop → the dataset root: not followed"])
    }

    @Test func pathListNamingAFileTwiceKeepsTheFirst() throws {
        let dir = try TempDir()
        try dir.mkdir("imgs/sub")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "imgs/b.jpg")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "imgs/sub/c.jpg")
        try dir.symlink("imgs/link.jpg", to: "sub/c.jpg")
        let list = "b.jpg\tant\nsub/c.jpg\tbee\nb.jpg\tant\n./sub/../b.jpg\tbee\nlink.jpg\tbee\ngone.jpg\tant\ngone.jpg\tant\n"
        try dir.write("list.tsv", Array(list.utf8))
        let d = try Dataset.pathList(root: dir.raw.appending("imgs"), listFile: dir.path + "/list.tsv")
        #expect(Self.listing(d) == ["b.jpg ant", "gone.jpg ant", "sub/c.jpg bee"])
        #expect(d.report.duplicates == [
            "list.tsv line 3: b.jpg is the file of line 1: left out",
            "list.tsv line 4: ./sub/../b.jpg is the file of line 1 (b.jpg), labelled ant there, bee here: left out",
            "list.tsv line 5: link.jpg is the file of line 2 (sub/c.jpg): left out",
            "list.tsv line 7: gone.jpg is the file of line 6: left out",
        ])
        #expect(d.report.missingImages == ["gone.jpg"])
        #expect(d.report.problems.count == 4)
    }

    @Test func kaggleCSVNamingAnImageTwiceKeepsTheFirst() throws {
        let dir = try TempDir()
        try dir.mkdir("val")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "val/ILSVRC2012_val_00000001.JPEG")
        try dir.symlink("val/ILSVRC2012_val_00000002.JPEG", to: "ILSVRC2012_val_00000001.JPEG")
        let csv = """
            ImageId,PredictionString
            ILSVRC2012_val_00000001,n01751748 17 15 490 330
            ILSVRC2012_val_00000001,n02119789 1 1 2 2
            ILSVRC2012_val_00000002,n01751748 1 1 2 2

            """
        try dir.write("LOC_val_solution.csv", Array(csv.utf8))
        let d = try Dataset.kaggleSolutionCSV(images: dir.raw.appending("val"), csv: dir.path + "/LOC_val_solution.csv")
        #expect(Self.listing(d) == ["ILSVRC2012_val_00000001.JPEG n01751748"])
        #expect(d.report.duplicates == [
            "LOC_val_solution.csv line 3: ILSVRC2012_val_00000001.JPEG is the file of line 2, labelled n01751748 there, n02119789 here: left out",
            "LOC_val_solution.csv line 4: ILSVRC2012_val_00000002.JPEG is the file of line 2 (ILSVRC2012_val_00000001.JPEG): left out",
        ])
        #expect(d.report.unlabeledImages.isEmpty)
    }

    @Test func summaryNamesTenLinksThenCountsTheRest() throws {
        let dir = try Self.corpus([("cls", 1)])
        for i in 0..<12 { try dir.symlink("cls/loop\(String(format: "%02d", i))", to: "..") }
        let d = try Dataset.classFolders(root: dir.raw)
        #expect(d.entries.count == 1)
        #expect(d.report.linksNotFollowed.count == 12)
        let lines = d.report.lines.filter { $0.contains("loop") || $0.contains("more links") }
        #expect(lines.count == 11)
        #expect(lines.first == "cls/loop00 → the dataset root: not followed")
        #expect(lines.last == "… and 2 more links not followed")
    }
}
