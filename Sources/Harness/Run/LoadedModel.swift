import Checkpoint
import Digest
import Domain
import Foundation
import ImageData
import Tensor
import ViT

/// A suite row resolved into a runnable model: spec, weights (loaded, hashed, checked against
/// the layout) and preprocessing.
public final class LoadedModel {
    public let name: String
    public let label: String
    public let spec: ModelSpec
    public let preprocessing: Preprocessing
    /// nil for seeded random weights ("random:SEED").
    public let weightsPath: String?
    public let weightsSHA256: String?
    /// Per-stage cumulative FLOPs from the analytic counter.
    public let flops: [Int]
    /// Warnings to show the user (e.g. checkpoint FLOPs constants that differ from the counter).
    public private(set) var warnings: [String] = []
    /// The checkpoint's non-tensor entries (`flop`, `anytime_classification`, …; see
    /// CheckpointCurves for the curves an official .pth carries).
    public let checkpointExtras: [String: CheckpointValue]

    enum Engine {
        case vit(VisionTransformer)
        case twoStage(TwoStageModel)
    }
    let engine: Engine

    /// `weights`: a file (.pth or .safetensors, by content) or "random:SEED"; the model runs
    /// under `compute`.
    public init(name: String, label: String? = nil, spec: ModelSpec, weights: String, preprocessing: Preprocessing,
                compute: ComputeSettings = ComputeSettings()) throws {
        self.name = name
        self.label = label ?? name
        self.spec = spec
        self.preprocessing = preprocessing
        if preprocessing.imageSize != spec.backbone.imageSize {
            throw SuiteError("model '\(name)': preprocessing produces \(preprocessing.imageSize)-pixel images but the model takes \(spec.backbone.imageSize)")
        }
        let stateDict: StateDict
        if weights.hasPrefix("random:") {
            guard let seed = UInt64(weights.dropFirst("random:".count)) else {
                throw SuiteError("model '\(name)': weights '\(weights)' should be random:SEED with an integer seed")
            }
            stateDict = .random(for: spec, seed: seed)
            weightsPath = nil
            weightsSHA256 = nil
        } else {
            guard FileManager.default.fileExists(atPath: weights) else {
                throw SuiteError("weights for model '\(name)' not found: \(weights)\n  pass --weights \(name)=FILE (.pth or .safetensors) or put the file there")
            }
            do {
                stateDict = try CheckpointFile.load(path: weights)
            } catch {
                throw SuiteError("cannot load weights for model '\(name)' from \(weights): \(error)")
            }
            weightsPath = weights
            weightsSHA256 = try SHA256.hex(ofFile: weights)
        }
        // The published constants count LV-ViT's BatchNorm in training mode (spec/cf-vit.md §9):
        // use the convention that reproduces them, so stored FLOPs compare with the papers.
        flops = try FLOPs.count(spec, convention: .official(for: spec))
        do {
            switch spec {
            case let .vit(c): engine = .vit(try VisionTransformer(config: c, stateDict: stateDict, compute: compute))
            case let .twoStage(c): engine = .twoStage(try TwoStageModel(config: c, stateDict: stateDict, compute: compute))
            }
        } catch {
            throw SuiteError("weights \(weights) do not fit model '\(name)':\n\(error)")
        }
        checkpointExtras = stateDict.extras
        checkDeclaredFLOPs(stateDict)
    }

    /// Released CF-ViT / LF-ViT checkpoints carry their own FLOPs constants (`flop` / `flops`,
    /// in G). A difference from the counter is worth a warning, not an error: several official
    /// constants were made with an older k rounding (spec/cf-vit.md §9).
    private func checkDeclaredFLOPs(_ sd: StateDict) {
        for key in ["flop", "flops"] {
            // .pth: a list; safetensors: a JSON array in the (string-only) metadata.
            var declared = sd.extras[key]?.numbers
            if case let .string(text)? = sd.extras[key] {
                declared = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSNumber])?.map(\.doubleValue)
            }
            guard let declared, !declared.isEmpty else { continue }
            let counted = flops.map { Double($0) / 1e9 }
            let close = declared.count == counted.count
                && zip(declared, counted).allSatisfy { abs($0 - $1) <= 0.0015 * max(1, $1) }
            if !close {
                let c = counted.map { String(format: "%.6f", $0) }.joined(separator: ", ")
                warnings.append("model '\(name)': the checkpoint's '\(key)' says \(declared) GFLOPs, the counter gives [\(c)] for this configuration")
            }
        }
    }

    public var stageCount: Int { spec.stageCount }

    /// One image's outputs from a both-stage evaluation.
    public struct ImageOutputs {
        /// Per stage: probabilities of the top 5 classes, descending, and their classes.
        public var topClasses: [[Int]]
        public var topProbabilities: [[Float]]
        /// What stage 2 refined, with the stage-1 scores (two-stage models).
        public var selection: RegionSelection?
    }

    /// Every stage for every image (accuracy mode). images: [B, C, S, S]
    public func evaluate(_ images: Tensor, keys: [UInt64]) -> [ImageOutputs] {
        let batch = images.shape[0]
        let k = spec.backbone.numClasses
        func top5(_ logits: Tensor, _ b: Int) -> ([Int], [Float]) {
            let p = Classification.probabilities(logits.scalars[(b * k)..<((b + 1) * k)])
            let idx = Classification.topK(p, 5)
            return (idx, idx.map { p[$0] })
        }
        switch engine {
        case let .vit(m):
            let out = m.forward(images)
            return (0..<batch).map { b in
                let t = top5(out.logits, b)
                return ImageOutputs(topClasses: [t.0], topProbabilities: [t.1], selection: nil)
            }
        case let .twoStage(m):
            let out = m.forward(images, imageKeys: keys)
            return (0..<batch).map { b in
                let t1 = top5(out.stage1Logits, b), t2 = top5(out.stage2Logits, b)
                return ImageOutputs(topClasses: [t1.0, t2.0], topProbabilities: [t1.1, t2.1],
                                    selection: out.selections[b])
            }
        }
    }

    /// Real early exit at η (throughput mode); returns how many images exited at stage 1.
    @discardableResult
    public func earlyExit(_ images: Tensor, eta: Double?, keys: [UInt64]) -> Int {
        switch engine {
        case let .vit(m):
            _ = m.forward(images)
            return images.shape[0]
        case let .twoStage(m):
            guard let eta else {
                _ = m.forward(images, imageKeys: keys)
                return 0
            }
            return m.forwardEarlyExit(images, threshold: eta, imageKeys: keys).exited.filter { $0 }.count
        }
    }
}
