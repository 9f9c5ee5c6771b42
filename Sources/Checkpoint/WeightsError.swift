/// A checkpoint file that cannot be read: which file, what is wrong with it, and the byte
/// offset where the problem sits when there is one. Readers throw this for every defect of
/// the input; they never trap on data from disk.
public struct WeightsError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The file cannot be opened, mapped, read or written.
        case io
        /// The file ends before a structure it declares.
        case truncated
        /// The safetensors header: its length field, its JSON, or a field of an entry.
        case malformedHeader
        /// Tensor data ranges out of the file, overlapping, leaving gaps, or not matching
        /// shape × dtype.
        case invalidOffsets
        /// A dtype this reader cannot convert to Float32 (the name as written in the file).
        case unsupportedDtype(String)
        /// Not a safetensors file nor a `torch.save` zip archive.
        case unknownFormat
        /// The pre-1.6 `torch.save` format (a bare pickle stream, not a zip archive).
        case legacyTorchFormat
        /// A valid zip archive this reader does not handle (compressed or encrypted entries,
        /// split archives, TorchScript archives).
        case unsupportedArchive
        /// Zip structures that contradict each other, or an entry whose CRC-32 is wrong.
        case corruptArchive
        /// A malformed pickle stream, or an opcode this restricted unpickler refuses.
        case pickle
        /// The file loads but holds no state dict (e.g. a pickled `nn.Module`).
        case notAStateDict
        /// A tensor whose storage, offset, sizes or strides are inconsistent.
        case invalidTensor
    }

    public let kind: Kind
    public let path: String
    public let message: String
    /// Absolute byte offset in the file (or, for errors inside a zip entry, in that entry
    /// as stated in `message`).
    public let offset: Int?

    public init(_ kind: Kind, path: String, _ message: String, offset: Int? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String {
        var text = "\(path): \(message)"
        if let offset { text += " (at byte \(offset))" }
        return text
    }
}
