/// The eval preprocessing of a model, stored with every run so that a result says how its
/// inputs were made (timm's pretrained cfg keeps the same fields). JSON keys are timm's.
///
/// Transform (torchvision, PIL path): Resize(int(imageSize / cropPct), interpolation) on the
/// shorter side → CenterCrop(imageSize) → ToTensor → Normalize(mean, std).
public struct Preprocessing: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var imageSize: Int
    public var cropPct: Double
    public var interpolation: ResampleFilter
    public var mean: [Double]
    public var std: [Double]

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size"
        case cropPct = "crop_pct"
        case interpolation
        case mean
        case std
    }

    public static let imagenetMean = [0.485, 0.456, 0.406]
    public static let imagenetStd = [0.229, 0.224, 0.225]

    public init(imageSize: Int, cropPct: Double, interpolation: ResampleFilter = .bicubic,
                mean: [Double] = Preprocessing.imagenetMean, std: [Double] = Preprocessing.imagenetStd) {
        self.imageSize = imageSize
        self.cropPct = cropPct
        self.interpolation = interpolation
        self.mean = mean
        self.std = std
    }

    /// Decoding validates: a stored or hand-written value is checked before any image uses it.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        cropPct = try c.decode(Double.self, forKey: .cropPct)
        interpolation = try c.decode(ResampleFilter.self, forKey: .interpolation)
        mean = try c.decode([Double].self, forKey: .mean)
        std = try c.decode([Double].self, forKey: .std)
        try validate()
    }

    /// DeiT / CF-ViT / LF-ViT at 224: resize 256, crop 224 (official dynamic_inference.py).
    public static let deit224 = Preprocessing(imageSize: 224, cropPct: 0.875)
    /// The 9×9 ("CF-ViT*") variants at 288: resize int(288 / 0.875) = 329.
    public static let deit288 = Preprocessing(imageSize: 288, cropPct: 0.875)
    /// LV-ViT-S based models at 224: crop_pct 0.9, resize int(224 / 0.9) = 248.
    public static let lvvit224 = Preprocessing(imageSize: 224, cropPct: 0.9)
    /// LV-ViT-S 9×9 at 288: resize 320.
    public static let lvvit288 = Preprocessing(imageSize: 288, cropPct: 0.9)
    /// The small bundled models: resize 128, crop 112.
    public static let bundledSmall = Preprocessing(imageSize: 112, cropPct: 0.875)

    /// Named presets, for the CLI and suite files.
    public static let presets: [String: Preprocessing] = [
        "deit224": .deit224, "deit288": .deit288, "lvvit224": .lvvit224, "lvvit288": .lvvit288,
        "small112": .bundledSmall,
    ]

    /// Shorter-side target of the Resize step: Python's `int(size / crop_pct)`.
    public var resizeSize: Int { Int(Double(imageSize) / cropPct) }

    /// Checks the values before a run uses them (a suite file may hold anything).
    public func validate() throws {
        func fail(_ what: String) -> PreprocessingError { PreprocessingError(message: what) }
        guard imageSize > 0 else { throw fail("image_size must be positive, got \(imageSize)") }
        guard cropPct.isFinite, cropPct > 0 else { throw fail("crop_pct must be a positive number, got \(cropPct)") }
        guard resizeSize > 0 else { throw fail("image_size / crop_pct gives a resize size of \(resizeSize)") }
        guard mean.count == 3, std.count == 3 else {
            throw fail("mean and std need 3 values (R, G, B), got \(mean.count) and \(std.count)")
        }
        guard std.allSatisfy({ Float($0) != 0 }) else { throw fail("std must not contain zero") }
    }

    public var description: String {
        "size=\(imageSize) crop_pct=\(cropPct) resize=\(resizeSize) \(interpolation.rawValue) mean=\(mean) std=\(std)"
    }
}

public struct PreprocessingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "preprocessing: \(message)" }
}
