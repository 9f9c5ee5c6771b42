import ArgumentParser
import Checkpoint
import Foundation
import ImageData
import Tensor
import ViT

struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode and preprocess one image exactly as a run does; write the tensors.",
        discussion: """
            Writes OUT.safetensors with `image` [1, 3, S, S] (Pillow-exact resize of the shorter \
            side to int(S / crop_pct), centre crop S, /255, normalize) and, with --low-res, \
            `image_lo` [1, 3, S/2, S/2] (the stage-1 input: bilinear, align_corners=True, on the \
            normalized tensor), so that they can be compared with torchvision's output.
            """)

    @Option(help: "Image file (JPEG or PNG, decided by content).")
    var image: String

    @Option(help: "Output file (.safetensors).")
    var out: String

    @Option(help: ArgumentHelp("Preprocessing preset: \(Preprocessing.presets.keys.sorted().joined(separator: ", ")).", valueName: "NAME"))
    var preprocessing = "deit224"

    @Option(help: "Override the crop size S.")
    var size: Int?

    @Option(name: .customLong("crop-pct"), help: "Override crop_pct (resize = int(S / crop_pct)).")
    var cropPct: Double?

    @Option(help: "Override the resize filter.")
    var interpolation: ResampleFilter?

    @Flag(name: .customLong("low-res"), help: "Also write the stage-1 input image_lo.")
    var lowRes = false

    func run() throws {
        guard var p = Preprocessing.presets[preprocessing] else {
            throw ValidationError("unknown preprocessing '\(preprocessing)'; known: \(Preprocessing.presets.keys.sorted().joined(separator: ", "))")
        }
        if let size { p.imageSize = size }
        if let cropPct { p.cropPct = cropPct }
        if let interpolation { p.interpolation = interpolation }
        let tensors: [(name: String, tensor: Tensor)]
        do { tensors = try PreprocessTool.namedTensors(path: image, preprocessing: p, lowResolution: lowRes) } catch {
            throw CLIError("\(image): \(error)")
        }
        let meta = ["format": "repro-preprocess", "preprocessing": String(decoding: try JSONEncoder().encode(p), as: UTF8.self)]
        try SafeTensors.write(StateDict(tensors.map { ($0.name, $0.tensor) }), metadata: meta, to: out)
        print("wrote \(out): " + tensors.map { "\($0.name) \($0.tensor.shape)" }.joined(separator: ", ") + " (\(p))")
    }
}
