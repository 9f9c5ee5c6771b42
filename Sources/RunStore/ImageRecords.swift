import Domain
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
