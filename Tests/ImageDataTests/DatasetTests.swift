import Foundation
import Testing
@testable import ImageData

struct DatasetTests {
    /// Listing order and class indices equal torchvision's ImageFolder on the fixture tree
    /// (written by the fixture script from `ImageFolder(root).samples`).
    @Test func classFolderListingMatchesImageFolder() throws {
        let tree = Fixtures.manifest.tree
        let dataset = try Dataset.classFolders(root: RawPath(Fixtures.root.appendingPathComponent(tree.root).path))
        #expect(dataset.classes?.names == tree.classes)
        let listed = dataset.entries.map { [$0.relativePath.description, String($0.label)] }
        let expected = tree.samples.map { [$0.path, String($0.label)] }
        #expect(listed == expected)
        #expect(dataset.entries.map(\.position) == Array(0..<dataset.entries.count))
        #expect(dataset.report.nonImageFiles.sorted() == ["a/notes.txt", "zz/only.gif"])
    }

    @Test func fixedClassListKeepsTrueImageNetIndices() throws {
        let classes = try ClassList.load(path: Self.imagenetClassesPath)
        #expect(classes.count == 1000)
        #expect(classes.names == classes.names.sorted())
        #expect(classes.names.first == "n01440764" && classes.names.last == "n15075141")
        let dir = try TempDir()
        for synset in ["n01443537", "n15075141"] {
            try dir.mkdir(synset)
            try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "\(synset)/img.JPEG")
        }
        let dataset = try Dataset.classFolders(root: dir.raw, classes: classes)
        #expect(dataset.entries.map(\.label) == [1, 999])
        #expect(dataset.entries.map(\.className) == ["n01443537", "n15075141"])
        // Without the list, the two folders would be classes 0 and 1.
        #expect(try Dataset.classFolders(root: dir.raw).entries.map(\.label) == [0, 1])
    }

    @Test func folderOutsideTheClassListIsAnErrorNamingIt() throws {
        let dir = try TempDir()
        try dir.mkdir("n01440764")
        try dir.mkdir("holiday_photos")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "n01440764/a.jpg")
        let classes = try ClassList(names: ["n01440764"])
        #expect(throws: DatasetError.unknownClassFolder(folder: "holiday_photos", classList: "synsets.txt")) {
            try Dataset.classFolders(root: dir.raw, classes: classes, classListName: "synsets.txt")
        }
        #expect(throws: DatasetError.self) { try ClassList(names: ["a", "b", "a"]) }
        #expect(throws: DatasetError.notADirectory(dir.path + "/n01440764/a.jpg")) {
            try Dataset.classFolders(root: dir.raw.appending("n01440764/a.jpg"))
        }
    }

    @Test func symlinkCycleIsReportedNotFollowedForever() throws {
        let dir = try TempDir()
        try dir.mkdir("cls/sub")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "cls/sub/a.jpg")
        try dir.symlink("cls/sub/up", to: "..")
        let dataset = try Dataset.classFolders(root: dir.raw)
        #expect(dataset.entries.map(\.relativePath.description) == ["cls/sub/a.jpg"])
        #expect(dataset.report.linksNotFollowed == ["cls/sub/up → its own class folder cls: not followed"])
        #expect(dataset.report.unreadableFolders.isEmpty)
    }

    @Test func kaggleSolutionCSV() throws {
        let dir = try TempDir()
        try dir.mkdir("val")
        for id in ["00000003", "00000001", "00000002", "00000009"] {
            try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "val/ILSVRC2012_val_\(id).JPEG")
        }
        let csv = """
            ImageId,PredictionString\r
            ILSVRC2012_val_00000002,n02119789 255 142 454 329 n02119789 44 21 322 295\r
            ILSVRC2012_val_00000001,n01751748 17 15 490 330\r
            ILSVRC2012_val_00000003,n09193705 0 0 499 374\r
            ILSVRC2012_val_00000004,n01751748 1 1 2 2\r

            """
        try dir.write("LOC_val_solution.csv", Array(csv.utf8))
        let dataset = try Dataset.kaggleSolutionCSV(images: dir.raw.appending("val"), csv: dir.path + "/LOC_val_solution.csv")
        #expect(dataset.classes?.names == ["n01751748", "n02119789", "n09193705"])
        #expect(dataset.entries.map(\.relativePath.description)
                == ["ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00000002.JPEG",
                    "ILSVRC2012_val_00000003.JPEG", "ILSVRC2012_val_00000004.JPEG"])
        #expect(dataset.entries.map(\.label) == [0, 1, 2, 0])
        #expect(dataset.report.missingImages == ["ILSVRC2012_val_00000004.JPEG"])
        #expect(dataset.report.unlabeledImages == ["ILSVRC2012_val_00000009.JPEG"])
        // With the ImageNet list, the labels are the true indices.
        let imagenet = try Dataset.kaggleSolutionCSV(images: dir.raw.appending("val"), csv: dir.path + "/LOC_val_solution.csv",
                                                     classes: ClassList.load(path: Self.imagenetClassesPath))
        #expect(imagenet.entries.map(\.className) == ["n01751748", "n02119789", "n09193705", "n01751748"])
        #expect(imagenet.entries[1].label == imagenet.classes?.index(of: "n02119789"))
    }

    @Test func pathListWithNamesOrIndices() throws {
        let dir = try TempDir()
        try dir.mkdir("imgs/sub")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "imgs/b.jpg")
        try dir.copyFixture("jpeg_tiny_1x1.jpg", to: "imgs/sub/a b.jpg")
        try dir.write("names.tsv", Array("# comment\nsub/a b.jpg\tcat\n\nb.jpg\tant\n".utf8))
        let byName = try Dataset.pathList(root: dir.raw.appending("imgs"), listFile: dir.path + "/names.tsv")
        #expect(byName.classes?.names == ["ant", "cat"])
        #expect(byName.entries.map(\.relativePath.description) == ["b.jpg", "sub/a b.jpg"])
        #expect(byName.entries.map(\.label) == [0, 1])

        try dir.write("ints.tsv", Array("b.jpg\t65\nsub/a b.jpg\t970\nmissing.jpg\t1\n".utf8))
        let byIndex = try Dataset.pathList(root: dir.raw.appending("imgs"), listFile: dir.path + "/ints.tsv")
        #expect(byIndex.entries.map(\.label) == [65, 1, 970])
        #expect(byIndex.report.missingImages == ["missing.jpg"])

        try dir.write("bad.tsv", Array("b.jpg\tant\nsub/a b.jpg\n".utf8))
        #expect(throws: DatasetError.invalidLabelFile(file: dir.path + "/bad.tsv", line: 2, reason: "expected 'relative/path<TAB>label'")) {
            try Dataset.pathList(root: dir.raw.appending("imgs"), listFile: dir.path + "/bad.tsv")
        }
        let fixed = try ClassList(names: ["ant", "bee"])
        #expect(throws: DatasetError.self) {
            try Dataset.pathList(root: dir.raw.appending("imgs"), listFile: dir.path + "/names.tsv", classes: fixed)
        }
    }

    @Test func subsetsAndShardsKeepPositions() throws {
        let entries = (0..<23).map {
            DatasetEntry(position: $0, path: RawPath("x\($0)"), relativePath: RawPath("x\($0)"), label: 0, className: "c")
        }
        #expect(DatasetSelection.subset(entries, limit: 5).map(\.position) == [0, 1, 2, 3, 4])
        #expect(DatasetSelection.subset(entries, every: 10).map(\.position) == [0, 10, 20])
        #expect(DatasetSelection.subset(entries, limit: 2, every: 10).map(\.position) == [0, 10])
        #expect(DatasetSelection.subset(entries, limit: 100).count == 23)
        let shards = (0..<4).map { DatasetSelection.shard(entries, index: $0, of: 4) }
        #expect(shards[1].map(\.position) == [1, 5, 9, 13, 17, 21])
        #expect(shards.flatMap { $0 }.map(\.position).sorted() == Array(0..<23))
        // A shard of a subset keeps the positions of the full listing.
        let sub = DatasetSelection.subset(entries, every: 2)
        #expect(DatasetSelection.shard(sub, index: 0, of: 3).map(\.position) == [0, 6, 12, 18])
    }

    static let imagenetClassesPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("experiments/imagenet_classes.txt").path
}
