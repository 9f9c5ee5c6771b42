import ArgumentParser
import Checkpoint
import Foundation
import Tensor
import ViT

struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on a normalized input batch and write its outputs (for diffing against PyTorch).",
        discussion: """
            Reads IN.safetensors (tensor `input` [B, 3, S, S], normalized; optionally `input_lo` to \
            feed stage 1 exactly), runs both stages for every image and writes OUT.safetensors with \
            `logits` (plain ViT) or `stage1.logits`, `stage1.confidence`, `stage1.gca`, \
            `stage2.cells`, `stage2.logits` and for LF-ViT `lf.window` (row, column, m). With \
            --eta, also `early_exit.logits` and `early_exit.exited` from the real early-exit path.
            """)

    @Option(help: "Model preset (see `repro flops --help`), or use --config.")
    var model: String?

    @Option(help: "Model spec JSON file ({\"kind\": \"cf-vit\", \"config\": {...}}) instead of a preset.")
    var config: String?

    @Option(help: "Weights (.pth or .safetensors).")
    var weights: String

    @Option(help: "Input batch (.safetensors).")
    var input: String

    @Option(help: "Output file (.safetensors).")
    var out: String

    @Option(help: "Also run the real early exit at this η.")
    var eta: Double?

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if (model == nil) == (config == nil) { throw ValidationError("give exactly one of --model and --config") }
        if let model, ModelPresets.spec(named: model) == nil {
            throw ValidationError("unknown model '\(model)'; known: \(ModelPresets.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let settings = compute.settings()
        let spec: ModelSpec
        if let model { spec = ModelPresets.spec(named: model)! } else {
            guard let data = FileManager.default.contents(atPath: config!) else { throw CLIError("cannot read \(config!)") }
            do { spec = try JSONDecoder().decode(ModelSpec.self, from: data) } catch {
                throw CLIError("\(config!): not a model spec: \(error)")
            }
        }
        let sd = try CheckpointFile.load(path: weights)
        let io = try SafeTensors.read(path: input)
        guard let x = io["input"] ?? (io.count == 1 ? io[io.keys[0]] : nil) else {
            throw CLIError("\(input) has no tensor named 'input' (found: \(io.keys.joined(separator: ", ")))")
        }
        let c = spec.backbone
        guard x.shape.count == 4, x.shape[1] == c.inChannels, x.shape[2] == c.imageSize, x.shape[3] == c.imageSize else {
            throw CLIError("input has shape \(x.shape); the model takes [B, \(c.inChannels), \(c.imageSize), \(c.imageSize)]")
        }
        var result = StateDict()
        let b = x.shape[0]
        switch spec {
        case let .vit(config):
            let m = try VisionTransformer(config: config, stateDict: sd, compute: settings)
            result["logits"] = m.forward(x).logits
        case let .twoStage(config):
            let m = try TwoStageModel(config: config, stateDict: sd, compute: settings)
            let o = m.forward(x, lowRes: io["input_lo"])
            let k = c.numClasses
            result["stage1.logits"] = o.stage1Logits
            result["stage1.confidence"] = Tensor(shape: [b], scalars: (0..<b).map {
                Classification.probabilities(o.stage1Logits.scalars[($0 * k)..<(($0 + 1) * k)]).max()!
            })
            result["stage1.gca"] = o.scores
            result["stage2.cells"] = Tensor(shape: [b, config.refinedCells], scalars: o.selections.flatMap { $0.cells.map(Float.init) })
            result["stage2.logits"] = o.stage2Logits
            if config.method == .lfvit {
                result["lf.window"] = Tensor(shape: [b, 3], scalars: o.selections.flatMap { s in
                    [Float(s.window!.row), Float(s.window!.column), Float(s.window!.size)]
                })
            }
            if let eta {
                let e = m.forwardEarlyExit(x, threshold: eta)
                result["early_exit.logits"] = e.logits
                result["early_exit.exited"] = Tensor(shape: [b], scalars: e.exited.map { $0 ? 1 : 0 })
            }
        }
        try SafeTensors.write(result, metadata: ["format": "repro-forward", "spec": String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)], to: out)
        print("wrote \(out): " + result.keys.map { "\($0) \(result[$0]!.shape)" }.joined(separator: ", "))
    }
}
