/// The entry point for weights: picks the reader from the file's first bytes, never from its
/// extension (released checkpoints are `.pth`, converted ones `.safetensors`, and renamed
/// files are common).
public enum CheckpointFile {
    public enum Format: String, Sendable, Equatable {
        /// A `torch.save` zip archive (PyTorch ≥ 1.6).
        case torchZip
        case safetensors
        /// A bare pickle stream: `torch.save` before 1.6 (or with
        /// `_use_new_zipfile_serialization=False`), or `pickle.dump`.
        case legacyPickle
        case unknown
    }

    /// Loads the state dict of a `.pth` or `.safetensors` file (see `TorchCheckpoint.read`
    /// for the layouts accepted). A `module.` prefix is removed in both formats; safetensors
    /// `__metadata__` entries become `.string` extras.
    public static func load(path: String) throws -> StateDict {
        let file = try MappedFile(path: path)
        // Keep the map alive until every read of its bytes is done.
        return try withExtendedLifetime(file) { try load(file) }
    }

    static func load(_ file: MappedFile) throws -> StateDict {
        let path = file.path
        switch format(of: file.bytes) {
        case .torchZip:
            return try TorchCheckpoint.read(file: file)
        case .safetensors:
            let dict = try SafeTensors.read(file: file)
            return try CheckpointLayout.strippingModulePrefix(dict, path: path)
        case .legacyPickle:
            let isTorchLegacy = file.bytes.starts(with: legacyMagic)
            throw WeightsError(.legacyTorchFormat, path: path,
                               (isTorchLegacy
                                ? "this checkpoint uses the legacy torch.save format of PyTorch < 1.6"
                                : "this is a plain pickle stream (pickle.dump or legacy torch.save), not a torch.save zip archive")
                               + "; load it in Python and re-save it with torch.save(obj, path) in a current "
                               + "PyTorch (or convert it to safetensors)", offset: 0)
        case .unknown:
            let head = file.bytes.prefix(8).map { b -> String in
                let s = String(b, radix: 16)
                return s.count == 1 ? "0" + s : s
            }.joined(separator: " ")
            throw WeightsError(.unknownFormat, path: path,
                               "not a checkpoint this package reads (first bytes: \(head.isEmpty ? "none, empty file" : head)); "
                               + "expected a torch.save .pth (zip) or a .safetensors file", offset: 0)
        }
    }

    /// The format of a file, from its first bytes.
    public static func format(path: String) throws -> Format {
        let file = try MappedFile(path: path)
        // The map must outlive the read of its bytes.
        return withExtendedLifetime(file) { format(of: file.bytes) }
    }

    /// `torch.save`'s legacy stream starts with PROTO 2 and LONG1 of its magic number
    /// 0x1950a86a20f9469cfc6c (torch/serialization.py `MAGIC_NUMBER`).
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func format(of bytes: UnsafeRawBufferPointer) -> Format {
        let n = bytes.count
        if n >= 4, bytes[0] == 0x50, bytes[1] == 0x4B,
           (bytes[2] == 0x03 && bytes[3] == 0x04) || (bytes[2] == 0x05 && bytes[3] == 0x06) {
            return .torchZip
        }
        if n >= 9, bytes[8] == UInt8(ascii: "{") {
            let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            if length >= 2 && length <= UInt64(SafeTensors.maxHeaderLength) { return .safetensors }
        }
        if n >= 2, bytes[0] == 0x80, (2...5).contains(bytes[1]) { return .legacyPickle }
        return .unknown
    }
}

extension SafeTensors {
    static func read(file: MappedFile) throws -> StateDict {
        try read(file: file, header: try parseHeader(file))
    }
}
