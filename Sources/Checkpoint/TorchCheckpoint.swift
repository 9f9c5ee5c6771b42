import Tensor

/// `.pth` files written by `torch.save` in PyTorch ≥ 1.6: a zip archive (entries stored,
/// not compressed) holding `<archive>/data.pkl` (the pickled object), one entry per storage
/// under `<archive>/data/<key>`, and `<archive>/byteorder`. Layout as written by
/// torch/serialization.py `_save` and caffe2/serialize/inline_container.cc.
public enum TorchCheckpoint {
    /// Reads the state dict of a checkpoint: a bare state dict, or the one under `model`
    /// (else `state_dict`), with a `module.` prefix stripped and the other top-level entries
    /// (`flop(s)`, `epoch`, `args`, …) in `extras`. `model_ema` is never used as the weights.
    public static func read(path: String) throws -> StateDict {
        try read(file: try MappedFile(path: path))
    }

    static func read(file: MappedFile) throws -> StateDict {
        let archive = try TorchArchive(file: file)
        let root = try archive.unpickle()
        let dict = try CheckpointLayout.stateDict(from: root, archive: archive)
        return try CheckpointLayout.strippingModulePrefix(dict, path: file.path)
    }
}

/// One opened `torch.save` archive: finds its entries and turns tensor references from the
/// pickle into Float32 tensors.
final class TorchArchive {
    let zip: ZipArchive
    /// `<archive>/`, the directory every entry of this checkpoint lives in.
    let prefix: String
    let swapBytes: Bool
    var path: String { zip.file.path }
    /// Storages whose CRC has been checked (several tensors may share one).
    private var checkedStorages: [String: UnsafeRawBufferPointer] = [:]

    init(file: MappedFile) throws {
        let path = file.path
        zip = try ZipArchive(file: file)
        let pickles = zip.entries.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard let main = pickles.min(by: { $0.name.count < $1.name.count }) else {
            if zip.entries.contains(where: { $0.name.hasSuffix("constants.pkl") || $0.name.contains("/code/") }) {
                throw TorchArchive.torchScriptError(path)
            }
            throw WeightsError(.unknownFormat, path: path,
                               "zip archive without a data.pkl entry: not a torch.save checkpoint")
        }
        prefix = String(main.name.dropLast("data.pkl".count))
        if zip.entry(named: prefix + "constants.pkl") != nil {
            throw TorchArchive.torchScriptError(path)
        }
        // Archives written before the byteorder record existed are little-endian.
        var fileIsBigEndian = false
        if let order = zip.entry(named: prefix + "byteorder") {
            let text = String(decoding: try zip.data(of: order), as: UTF8.self)
            guard text == "little" || text == "big" else {
                throw WeightsError(.corruptArchive, path: path, "byteorder entry says '\(text)', expected 'little' or 'big'",
                                   offset: order.localHeaderOffset)
            }
            fileIsBigEndian = text == "big"
        }
        #if _endian(big)
        swapBytes = !fileIsBigEndian
        #else
        swapBytes = fileIsBigEndian
        #endif
    }

    private static func torchScriptError(_ path: String) -> WeightsError {
        WeightsError(.unsupportedArchive, path: path,
                     "this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; load it "
                     + "in Python and save its weights with torch.save(model.state_dict(), path)")
    }

    func unpickle() throws -> PickleValue {
        guard let entry = zip.entry(named: prefix + "data.pkl") else {
            throw WeightsError(.corruptArchive, path: path, "missing \(prefix)data.pkl")
        }
        let bytes = try zip.data(of: entry)
        let start = dataOffset(bytes) ?? 0
        var unpickler = Unpickler(data: bytes, path: path, entryName: entry.name, entryOffset: start)
        return try unpickler.load()
    }

    /// The Float32 tensor a reference describes, with offsets, strides and bounds checked.
    func materialize(_ ref: TensorRef, key: String) throws -> Tensor {
        guard let type = ref.elementType else {
            throw WeightsError(.unsupportedDtype(ref.dtypeName), path: path,
                               "tensor '\(key)' has dtype \(ref.dtypeName), which has no Float32 conversion here")
        }
        let storageName = prefix + "data/" + ref.storage.key
        let bytes = try storageBytes(storageName, forTensor: key)
        var declaredBytes = ref.storage.declaredCount
        if !ref.storage.isUntyped {
            let (b, overflow) = ref.storage.declaredCount.multipliedReportingOverflow(by: type.byteSize)
            guard !overflow else {
                throw WeightsError(.invalidTensor, path: path, "storage \(storageName) declares an impossible size")
            }
            declaredBytes = b
        }
        guard bytes.count >= declaredBytes else {
            throw WeightsError(.truncated, path: path,
                               "storage \(storageName) (tensor '\(key)') holds \(bytes.count) bytes but declares "
                               + "\(declaredBytes)", offset: dataOffset(bytes))
        }
        if ref.elementCount == 0 { return Tensor(shape: ref.sizes, scalars: []) }
        let capacity = declaredBytes / type.byteSize
        var last = ref.storageOffset
        for (size, stride) in Swift.zip(ref.sizes, ref.strides) {
            let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else {
                throw WeightsError(.invalidTensor, path: path, "tensor '\(key)' strides \(ref.strides) overflow")
            }
            last = sum
        }
        guard last < capacity, let base = bytes.baseAddress else {
            throw WeightsError(.invalidTensor, path: path,
                               "tensor '\(key)' (size \(ref.sizes), stride \(ref.strides), offset "
                               + "\(ref.storageOffset)) reaches element \(last) of storage \(storageName), "
                               + "which holds \(capacity) elements", offset: dataOffset(bytes))
        }
        let scalars = gatherToFloat(type, base: base, offset: ref.storageOffset, sizes: ref.sizes,
                                    strides: ref.strides, swapBytes: swapBytes)
        return Tensor(shape: ref.sizes, scalars: scalars)
    }

    private func storageBytes(_ name: String, forTensor key: String) throws -> UnsafeRawBufferPointer {
        if let cached = checkedStorages[name] { return cached }
        guard let entry = zip.entry(named: name) else {
            throw WeightsError(.corruptArchive, path: path,
                               "storage \(name) of tensor '\(key)' is missing from the archive")
        }
        let bytes = try zip.data(of: entry)
        checkedStorages[name] = bytes
        return bytes
    }

    private func dataOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let p = bytes.baseAddress, let base = zip.file.bytes.baseAddress else { return nil }
        return p - base
    }
}
