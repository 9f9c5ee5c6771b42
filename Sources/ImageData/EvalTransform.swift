import PNGFile
import Tensor

/// torchvision's eval transform on a PIL image, reproduced exactly:
/// `Resize(int(S / crop_pct), interpolation)` → `CenterCrop(S)` → `ToTensor()` → `Normalize`.
///
/// - Resize(int) (torchvision functional.py `_compute_resized_output_size`): the shorter side
///   becomes the target, the longer `int(target * long / short)` (truncated); the image is
///   returned untouched when the size would not change; otherwise `PIL.Image.resize`.
/// - CenterCrop (functional.py `center_crop`): if the crop is larger than the image, zero
///   padding of ((c − w) // 2, (c − h) // 2, (c − w + 1) // 2, (c − h + 1) // 2) first; offsets
///   `int(round((h − c) / 2))` with Python's round-half-to-even.
/// - ToTensor: float32(x) / 255; Normalize: float32 `(x − mean) / std`, mean and std rounded to
///   float32 first (`tensor.sub_(mean).div_(std)`). Both are elementwise functions of the
///   uint8 value, so they are precomputed as a 3 × 256 table (same float32 operations).
///
/// Only the cropped window of the resized image is computed (see `PillowResample.resize`).
public struct EvalTransform: Sendable {
    public let preprocessing: Preprocessing
    /// [3, 256]: the normalized value of each uint8 level per channel.
    public let table: [Float]

    public init(_ preprocessing: Preprocessing) {
        precondition((try? preprocessing.validate()) != nil, "invalid preprocessing \(preprocessing)")
        self.preprocessing = preprocessing
        var t = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            let mean = Float(preprocessing.mean[c]), std = Float(preprocessing.std[c])
            for v in 0..<256 {
                let x = Float(v) / 255  // ToTensor: true division in float32
                t[c * 256 + v] = (x - mean) / std
            }
        }
        table = t
    }

    public var imageSize: Int { preprocessing.imageSize }

    /// torchvision's Resize(int) output size (width, height) for a width × height image.
    public static func resizedSize(width: Int, height: Int, shorterSide target: Int) -> (width: Int, height: Int) {
        let (short, long) = width <= height ? (width, height) : (height, width)
        let newLong = Int(Double(target * long) / Double(short))
        return width <= height ? (target, newLong) : (newLong, target)
    }

    /// Where the crop lies in the resized image: its top-left corner (negative where torchvision
    /// pads) and the resized size.
    public struct Geometry: Equatable, Sendable {
        public var resizedWidth: Int, resizedHeight: Int
        public var left: Int, top: Int
        public var resizes: Bool
    }

    public func geometry(width: Int, height: Int) -> Geometry {
        let s = preprocessing.imageSize
        let (rw, rh) = EvalTransform.resizedSize(width: width, height: height, shorterSide: preprocessing.resizeSize)
        let resizes = !(rw == width && rh == height)
        return Geometry(resizedWidth: rw, resizedHeight: rh,
                        left: EvalTransform.cropOffset(size: rw, crop: s),
                        top: EvalTransform.cropOffset(size: rh, crop: s), resizes: resizes)
    }

    /// Offset of the crop in one dimension, padding included (torchvision center_crop).
    static func cropOffset(size: Int, crop: Int) -> Int {
        if crop > size {
            // Padded to exactly `crop`: the crop starts at the padding's left edge.
            return -((crop - size) / 2)
        }
        return Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
    }

    /// The uint8 crop [S, S, 3], byte-identical to `CenterCrop(S)(Resize(r)(img))`.
    public func crop(_ image: RGBImage) -> RGBImage {
        let s = preprocessing.imageSize
        let g = geometry(width: image.width, height: image.height)
        guard g.resizes else { return image.cropped(x: g.left, y: g.top, width: s, height: s) }
        // The part of the crop that lies inside the resized image.
        let x0 = max(0, g.left), x1 = min(g.resizedWidth, g.left + s)
        let y0 = max(0, g.top), y1 = min(g.resizedHeight, g.top + s)
        let part = PillowResample.resize(image, width: g.resizedWidth, height: g.resizedHeight,
                                         filter: preprocessing.interpolation,
                                         window: (x0, y0, x1 - x0, y1 - y0))
        if x0 == g.left && y0 == g.top && part.width == s && part.height == s { return part }
        return part.cropped(x: g.left - x0, y: g.top - y0, width: s, height: s)
    }

    /// crop: [S, S, 3] uint8 → out: [3, S, S] float32 (ToTensor + Normalize).
    public func normalize(_ crop: RGBImage, into out: UnsafeMutablePointer<Float>) {
        let plane = crop.width * crop.height
        crop.pixels.withUnsafeBufferPointer { px in
            table.withUnsafeBufferPointer { t in
                for c in 0..<3 {
                    let tc = t.baseAddress! + c * 256
                    let o = out + c * plane
                    for i in 0..<plane { o[i] = tc[Int(px[i * 3 + c])] }
                }
            }
        }
    }

    /// The normalized tensor [3, S, S] of a decoded image.
    public func tensor(_ image: RGBImage) -> Tensor {
        let c = crop(image)
        var t = Tensor(zeros: [3, c.height, c.width])
        t.withUnsafeMutablePointer { normalize(c, into: $0) }
        return t
    }
}
