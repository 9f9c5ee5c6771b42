import Tensor

/// A batch of preprocessed images, in listing order.
public struct Batch: Sendable, Equatable {
    /// Batch number: batch k covers the pipeline's entries k·B ..< (k+1)·B.
    public let index: Int
    /// The images of `images`, in order (the batch's entries minus the skipped ones).
    public let entries: [BatchEntry]
    /// images: [entries.count, 3, S, S], normalized.
    public let images: Tensor
    /// The batch's entries that could not be used, with their reasons.
    public let skipped: [SkippedImage]
}

/// One image of a batch: its listing entry, and what reading and decoding its file found,
/// which the results store keeps beside the image's outputs.
public struct BatchEntry: Hashable, Sendable {
    public let entry: DatasetEntry
    /// The decoded image's size in pixels, before resize and crop.
    public let width: Int
    public let height: Int
    /// Bytes read from the file.
    public let fileSize: Int

    public init(entry: DatasetEntry, width: Int, height: Int, fileSize: Int) {
        self.entry = entry
        self.width = width
        self.height = height
        self.fileSize = fileSize
    }
}
