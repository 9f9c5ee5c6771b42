import Digest
import Foundation

/// `synth.json`: which generator, seed and counts produced a dataset folder, and a checksum
/// of its contents. The checksum covers pixels, not PNG bytes: libpng/zlib versions may
/// compress the same pixels differently, while the pixels are the same on every machine.
///
/// Split checksum = SHA-256 over the lines `"<relative path> <SHA-256 of the RGB bytes>\n"`
/// of every image of the split, in class then index order (which is also sorted path order).
/// `checksum` = SHA-256 over `"<split> <split checksum>\n"` for the splits present, train first.
public struct SynthManifest: Codable, Equatable, Sendable {
    public struct SplitRecord: Codable, Equatable, Sendable {
        public var images: Int
        public var checksum: String
    }

    public var generator: String
    public var generatorVersion: Int
    public var imageSize: Int
    public var seed: UInt64
    public var classes: Int
    public var trainPerClass: Int
    public var valPerClass: Int
    public var classNames: [String]
    /// Keyed by split name ("train", "val"); only the splits generated so far.
    public var splits: [String: SplitRecord]
    public var checksum: String

    public static let fileName = "synth.json"
    public static let generatorName = "repro-synth"

    public init(parameters p: SynthParameters, splits: [String: SplitRecord]) {
        generator = SynthManifest.generatorName
        generatorVersion = SynthParameters.generatorVersion
        imageSize = SynthParameters.imageSize
        seed = p.seed
        classes = p.classes
        trainPerClass = p.trainPerClass
        valPerClass = p.valPerClass
        classNames = (0..<p.classes).map(SynthClasses.folderName)
        self.splits = splits
        checksum = SynthManifest.combinedChecksum(splits)
    }

    public var parameters: SynthParameters {
        SynthParameters(seed: seed, classes: classes, trainPerClass: trainPerClass, valPerClass: valPerClass)
    }

    /// Whether this manifest was written by the current generator for these parameters.
    public func describes(_ p: SynthParameters) -> Bool {
        generator == SynthManifest.generatorName && generatorVersion == SynthParameters.generatorVersion
            && imageSize == SynthParameters.imageSize && parameters == p
    }

    static func combinedChecksum(_ splits: [String: SplitRecord]) -> String {
        var h = SHA256()
        for split in SynthSplit.allCases {
            if let r = splits[split.rawValue] { h.update(Array("\(split.rawValue) \(r.checksum)\n".utf8)) }
        }
        return h.finalizeHex()
    }

    // MARK: - Reading and writing

    public static func read(from path: String) throws -> SynthManifest {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SynthError.unreadableManifest(path: path, detail: "\(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(SynthManifest.self, from: data)
        } catch {
            throw SynthError.unreadableManifest(path: path, detail: "not a synth.json manifest (\(error))")
        }
    }

    /// Writes the manifest atomically (temporary file + rename).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            var data = try encoder.encode(self)
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SynthError.io(path: path, detail: "cannot write the manifest: \(error.localizedDescription)")
        }
    }
}
