import Tensor

/// What `repro preprocess --image FILE --out OUT.safetensors` writes: the model inputs of one
/// image, so that a user can diff them against PyTorch.
public enum PreprocessTool {
    /// Named tensors, in this order:
    /// - `image`: [1, 3, S, S], the normalized eval crop;
    /// - `image_lo` (when `lowResolution`): [1, 3, S/2, S/2], the stage-1 input of CF-ViT /
    ///   LF-ViT, `F.interpolate(image, (S/2, S/2), mode='bilinear', align_corners=True)`
    ///   computed by `Resample.bilinearAlignCorners` as the models do.
    public static func namedTensors(path: String, preprocessing: Preprocessing, lowResolution: Bool = false,
                                    limits: DecodeLimits = .default) throws -> [(name: String, tensor: Tensor)] {
        try preprocessing.validate()
        let image = try ImageDecoder(limits: limits).decode(path: RawPath(path))
        let s = preprocessing.imageSize
        let full = EvalTransform(preprocessing).tensor(image).reshaped([1, 3, s, s])
        var out: [(name: String, tensor: Tensor)] = [("image", full)]
        if lowResolution {
            out.append(("image_lo", Resample.bilinearAlignCorners(full, to: s / 2)))
        }
        return out
    }
}
