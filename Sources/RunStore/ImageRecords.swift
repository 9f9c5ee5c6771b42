import Foundation

/// One image of a dataset listing, identified by its position in the full sorted listing
/// (stable across shards, limits and resumes).
public struct ImageRecord: Equatable, Sendable {
    public var position: Int
    public var relativePath: String
    /// Index into the dataset's sorted class list; nil when the image has no label.
    public var classIndex: Int?
    /// Where the label came from, e.g. "folder" or "labels-file".
    public var labelSource: String
    public var width: Int?
    public var height: Int?
    public var fileSize: Int64?
    /// Why the image was not evaluated (e.g. "undecodable JPEG: …"); nil when it was.
    public var skipReason: String?

    public init(position: Int, relativePath: String, classIndex: Int?, labelSource: String,
                width: Int?, height: Int?, fileSize: Int64?, skipReason: String? = nil) {
        self.position = position
        self.relativePath = relativePath
        self.classIndex = classIndex
        self.labelSource = labelSource
        self.width = width
        self.height = height
        self.fileSize = fileSize
        self.skipReason = skipReason
    }
}

/// One stage's output for one image. `topClasses` / `topProbabilities` hold the top-k
/// (k = min(5, classes), k ≥ 1) in descending order: the first entry is the prediction and
/// its probability the confidence (max softmax), kept as the exact float32 value.
public struct StageOutput: Equatable, Sendable {
    /// 1 = coarse, 2 = fine, …
    public var stage: Int
    public var topClasses: [Int]
    public var topProbabilities: [Float]
    /// FLOPs of stopping after this stage (cumulative over stages).
    public var cumulativeFLOPs: Int64

    public init(stage: Int, topClasses: [Int], topProbabilities: [Float], cumulativeFLOPs: Int64) {
        self.stage = stage
        self.topClasses = topClasses
        self.topProbabilities = topProbabilities
        self.cumulativeFLOPs = cumulativeFLOPs
    }

    /// The predicted class (`topClasses[0]`; the store never holds an empty top-k).
    public var predicted: Int { topClasses[0] }
    /// max softmax (`topProbabilities[0]`).
    public var confidence: Float { topProbabilities[0] }
}

/// The region the second stage refined. Cell indices are row-major in the coarse grid
/// (`cell = row · gridSide + column`), listed in selection order.
public struct RegionSelection: Equatable, Sendable {
    public enum Region: Equatable, Sendable {
        /// CF-ViT: the informative coarse cells, in selection (descending GCA) order.
        case cells
        /// LF-ViT: the m×m window with top-left cell (row, column), then the K cells in it.
        case window(row: Int, column: Int, size: Int)
    }

    public var region: Region
    /// Side of the coarse grid (7 for 7×7).
    public var gridSide: Int
    public var cells: [Int]
    /// Optional stage-1 global class attention, one value per coarse cell (for figures).
    public var gcaScores: [Float]?

    public init(region: Region, gridSide: Int, cells: [Int], gcaScores: [Float]? = nil) {
        self.region = region
        self.gridSide = gridSide
        self.cells = cells
        self.gcaScores = gcaScores
    }
}

/// Everything the runner records for one image of a run: written together, in one
/// transaction with the rest of its batch. A skipped image (`image.skipReason != nil`) has
/// no stage outputs and no selection.
public struct ImageResult: Equatable, Sendable {
    public var image: ImageRecord
    public var stages: [StageOutput]
    public var selection: RegionSelection?

    public init(image: ImageRecord, stages: [StageOutput], selection: RegionSelection? = nil) {
        self.image = image
        self.stages = stages
        self.selection = selection
    }
}
