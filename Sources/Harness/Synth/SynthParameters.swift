/// What one synthetic dataset is: the seed and the counts. Everything an image looks like
/// follows from these plus `SynthParameters.generatorVersion`, so a manifest that records
/// them pins the dataset.
public struct SynthParameters: Codable, Equatable, Sendable {
    /// Bumped whenever the renderer's output changes for any (seed, split, class, index), so
    /// that a cached dataset from an older generator is never mistaken for the current one.
    public static let generatorVersion = 1
    /// Width and height of every image, in pixels.
    public static let imageSize = 128
    public static let defaultSeed: UInt64 = 20_230_207

    public var seed: UInt64
    public var classes: Int
    public var trainPerClass: Int
    public var valPerClass: Int

    public init(seed: UInt64 = SynthParameters.defaultSeed, classes: Int = SynthClasses.count,
                trainPerClass: Int = 500, valPerClass: Int = 100) {
        self.seed = seed
        self.classes = classes
        self.trainPerClass = trainPerClass
        self.valPerClass = valPerClass
    }

    public func imagesPerClass(_ split: SynthSplit) -> Int {
        split == .train ? trainPerClass : valPerClass
    }

    /// Checks the counts against what the renderer can produce.
    public func validate() throws {
        guard classes >= 1 && classes <= SynthClasses.count else {
            throw SynthError.invalidParameter(
                "--classes must be between 1 and \(SynthClasses.count) (the generator defines \(SynthClasses.count) classes); got \(classes)")
        }
        guard trainPerClass >= 0 && trainPerClass <= 100_000 else {
            throw SynthError.invalidParameter("--train-per-class must be between 0 and 100000; got \(trainPerClass)")
        }
        guard valPerClass >= 0 && valPerClass <= 100_000 else {
            throw SynthError.invalidParameter("--val-per-class must be between 0 and 100000; got \(valPerClass)")
        }
    }
}

public enum SynthSplit: String, Codable, CaseIterable, Sendable {
    case train
    case val

    /// Mixed into each image's seed so that train and val never share an image.
    var seedTag: UInt64 { self == .train ? 0x7472_6169_6e00_0001 : 0x7661_6c00_0000_0002 }
}

/// One image's identity: its pixels are a pure function of this and the generator version.
public struct SynthImageID: Hashable, Sendable {
    public var split: SynthSplit
    public var classIndex: Int
    public var index: Int

    public init(split: SynthSplit, classIndex: Int, index: Int) {
        self.split = split
        self.classIndex = classIndex
        self.index = index
    }

    /// Path relative to the dataset root: `<split>/<class folder>/<file>.png`.
    public var relativePath: String {
        let c = SynthClasses.folderName(classIndex)
        return "\(split.rawValue)/\(c)/\(split.rawValue)_\(pad(classIndex, 2))_\(pad(index, 5)).png"
    }

    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Where an image's class-deciding patch is and at which texture scale: ground truth for
/// analysing which region a two-stage model refined (written to `<split>.csv`).
public struct SynthImageInfo: Equatable, Sendable {
    /// Texture scale k: stripe period 2k pixels (k = 1 cannot be resolved at half resolution).
    public var scale: Int
    /// Bounding square of the patch in the 128×128 image (subtract 8 for the 112 centre crop).
    public var x: Int, y: Int, side: Int
    public var disc: Bool
}

public enum SynthError: Error, CustomStringConvertible, Equatable {
    case invalidParameter(String)
    case manifestMismatch(path: String, detail: String)
    case unreadableManifest(path: String, detail: String)
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidParameter(message):
            return message
        case let .manifestMismatch(path, detail):
            return "\(path) describes a different synthetic dataset (\(detail)); choose an empty --out folder or delete that one"
        case let .unreadableManifest(path, detail):
            return "cannot read \(path): \(detail); delete it (the images are checked and kept) and run again"
        case let .io(path, detail):
            return "\(path): \(detail)"
        }
    }
}
