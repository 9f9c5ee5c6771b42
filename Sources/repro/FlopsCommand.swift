import ArgumentParser
import Foundation
import ViT

/// `repro flops`: the analytic FLOPs of a named model, per stage and cumulative.
struct Flops: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flops",
        abstract: "Print a model's per-stage cumulative FLOPs (fvcore convention).",
        discussion: """
            Counts what the official model computes for one image: one multiply-add = 1 FLOP \
            (linear, conv, q·kᵀ, attn·v; biases free), LayerNorm 5 per element, BatchNorm 2 \
            (eval) or 5 (train) per element, nearest upsample 1 per output element; softmax, \
            GELU, ReLU and adds are free. A two-stage model prints [stage 1, stage 1 + stage 2], \
            the `flops` list of the official checkpoints; expected FLOPs at a threshold η are \
            Σ (share exiting at stage k) × cumulative[k].

            The default convention `official` reproduces the published constants: plain fvcore \
            for DeiT backbones, train-mode BatchNorm for LV-ViT (its constants were counted with \
            the model in train mode). LF-ViT's constants leave out the focus-stage head; CF-ViT's \
            count it (--stage2-head).

            Examples:
              repro flops --model cf-vit-deit-s-7x7 --breakdown
              repro flops --model cf-vit-deit-s-9x9 --rounding floor
              repro flops --model lf-vit-deit-s-7x7 --m 6 --json
            """
    )

    enum ConventionChoice: String, CaseIterable, ExpressibleByArgument {
        case official
        case fvcore
        case fvcoreTrainBN = "fvcore-train-bn"
        case macsOnly = "macs-only"

        static var allValueDescriptions: [String: String] {
            [
                "official": "the published constants' convention: fvcore, train-mode BatchNorm for LV-ViT",
                "fvcore": "fvcore in eval mode: BatchNorm 2 per element",
                "fvcore-train-bn": "fvcore in train mode: BatchNorm 5 per element",
                "macs-only": "multiply-adds only: LayerNorm, BatchNorm and upsample free",
            ]
        }
    }

    enum RoundingChoice: String, CaseIterable, ExpressibleByArgument {
        case ceil, floor
        var value: TwoStageConfig.Rounding { self == .ceil ? .ceil : .floor }

        static var allValueDescriptions: [String: String] {
            ["ceil": "the current official code", "floor": "int(), as the older checkpoint constants"]
        }
    }

    enum HeadChoice: String, CaseIterable, ExpressibleByArgument {
        case official, counted, omitted

        static var allValueDescriptions: [String: String] {
            ["official": "CF-ViT counts it, LF-ViT does not", "counted": "counted", "omitted": "left out"]
        }
    }

    @Option(name: .long, help: ArgumentHelp("Model preset: \(ModelPresets.names.joined(separator: ", ")).",
                                            valueName: "name"))
    var model: String

    @Option(name: .long, help: "CF-ViT: share α of the coarse cells refined (k = ceil(α·Nc), or floor).")
    var alpha: Double?

    @Option(name: .customLong("m"), help: "LF-ViT: side m of the searched window.")
    var regionSize: Int?

    @Option(name: .long, help: "LF-ViT: share of the window's m² cells refined (K = ceil(ratio·m²), or floor).")
    var kRatio: Double?

    @Option(name: .long, help: "Rounding of k / K.")
    var rounding: RoundingChoice?

    @Flag(name: .long, help: "Turn feature reuse off (no reuse LN + MLP, no upsample).")
    var noReuse = false

    @Flag(name: .long, help: "LF-ViT: drop the non-refined coarse tokens from stage 2 instead of reusing them.")
    var dropCoarseTokens = false

    @Option(name: .long, help: "Counting convention.")
    var convention: ConventionChoice = .official

    @Option(name: .long, help: "Stage 2's classifier (head, LV-ViT aux head) in the count.")
    var stage2Head: HeadChoice = .official

    @Flag(name: .long, help: "Print every stage's cost per component.")
    var breakdown = false

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        _ = try resolve()
    }

    func run() throws {
        let resolved = try resolve()
        let report = try FLOPs.report(resolved.spec, options: resolved.options)
        if json {
            print(try jsonText(resolved, report))
        } else {
            print(text(resolved, report))
        }
    }

    // MARK: Resolving the model

    struct Resolved {
        var name: String
        var summary: String
        var spec: ModelSpec
        var options: FLOPs.Options
    }

    func resolve() throws -> Resolved {
        guard let entry = ModelPresets.all.first(where: { $0.name == model }) else {
            throw ValidationError("unknown model '\(model)'; known models: "
                                  + ModelPresets.names.joined(separator: ", "))
        }
        var spec = entry.spec
        switch spec {
        case .vit:
            let given = [("--alpha", alpha != nil), ("--m", regionSize != nil), ("--k-ratio", kRatio != nil),
                         ("--rounding", rounding != nil), ("--no-reuse", noReuse),
                         ("--drop-coarse-tokens", dropCoarseTokens)].filter(\.1).map(\.0)
            if !given.isEmpty {
                throw ValidationError("\(given.joined(separator: ", ")) applies to two-stage models only; "
                                      + "'\(model)' is a plain ViT")
            }
        case var .twoStage(config):
            if config.method == .cfvit {
                if regionSize != nil || kRatio != nil || dropCoarseTokens {
                    throw ValidationError("--m, --k-ratio and --drop-coarse-tokens apply to LF-ViT models; "
                                          + "'\(model)' is CF-ViT (use --alpha)")
                }
            } else if alpha != nil {
                throw ValidationError("--alpha applies to CF-ViT models; '\(model)' is LF-ViT (use --m, --k-ratio)")
            }
            if let alpha { config.alpha = alpha }
            if let regionSize { config.regionSize = regionSize }
            if let kRatio { config.kRatio = kRatio }
            if let rounding { config.rounding = rounding.value }
            if noReuse { config.featureReuse = false }
            if dropCoarseTokens { config.reuseCoarseTokens = false }
            spec = .twoStage(config)
        }
        let problems = spec.problems()
        if !problems.isEmpty {
            throw ValidationError("'\(model)' with these options cannot run: " + problems.joined(separator: "; "))
        }
        let conv: FLOPs.Convention
        switch convention {
        case .official: conv = .official(for: spec)
        case .fvcore: conv = .fvcore
        case .fvcoreTrainBN: conv = .fvcoreTrainBN
        case .macsOnly: conv = .macsOnly
        }
        let head: Bool?
        switch stage2Head {
        case .official: head = nil
        case .counted: head = true
        case .omitted: head = false
        }
        return Resolved(name: entry.name, summary: entry.summary, spec: spec,
                        options: FLOPs.Options(convention: conv, countStage2Classifier: head))
    }

    // MARK: Output

    func describe(_ spec: ModelSpec) -> String {
        guard case let .twoStage(c) = spec else { return "single stage, \(spec.backbone.numTokens) tokens" }
        let reuse = c.featureReuse ? "feature reuse on" : "feature reuse off"
        switch c.method {
        case .cfvit:
            return "alpha \(c.alpha): k = \(c.refinedCells) of \(c.coarseCells) cells (\(c.rounding.rawValue)), \(reuse)"
        case .lfvit:
            let coarse = c.reuseCoarseTokens ? "coarse tokens reused" : "coarse tokens dropped"
            return "m = \(c.regionSize), k_ratio \(c.kRatio): K = \(c.refinedCells) (\(c.rounding.rawValue)), "
                + "\(reuse), \(coarse)"
        }
    }

    func conventionText(_ options: FLOPs.Options) -> String {
        let c = options.convention
        return "\(c.rawValue) (LayerNorm \(c.layerNormPerElement)/elt, BatchNorm \(c.batchNormPerElement)/elt, "
            + "upsample \(c.upsamplePerOutputElement)/elt)"
    }

    func text(_ r: Resolved, _ report: FLOPs.Report) -> String {
        var lines = [
            "model       \(r.name): \(r.summary)",
            "config      \(describe(r.spec))",
            "convention  \(conventionText(report.options))",
        ]
        if report.stages.count > 1 {
            let counted = report.stages[1].parts.first { $0.component == .head }?.counted ?? true
            lines.append("stage-2 head \(counted ? "counted" : "not counted")")
        }
        lines.append("")
        lines.append(pad("stage", 6) + pad("tokens", 8, right: true) + pad("cumulative FLOPs", 18, right: true)
                     + pad("G", 12, right: true))
        for (stage, total) in zip(report.stages, report.cumulative) {
            lines.append(pad("\(stage.index)", 6) + pad("\(stage.tokens)", 8, right: true)
                         + pad("\(total)", 18, right: true) + pad(FLOPs.giga(total), 12, right: true))
        }
        if breakdown {
            for stage in report.stages {
                lines.append("")
                lines.append("stage \(stage.index): \(stage.embeddedPatches) patches embedded, "
                             + "\(stage.tokens) tokens through the blocks")
                for part in stage.parts {
                    lines.append("  " + pad(part.component.rawValue, 18) + pad("\(part.flops)", 14, right: true)
                                 + pad(FLOPs.giga(part.flops), 12, right: true)
                                 + (part.counted ? "" : "  (not counted)"))
                }
                lines.append("  " + pad("stage total", 18) + pad("\(stage.total)", 14, right: true)
                             + pad(FLOPs.giga(stage.total), 12, right: true))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    struct JSONPart: Encodable {
        var component: String
        var flops: Int
        var counted: Bool
    }

    struct JSONStage: Encodable {
        var stage: Int
        var tokens: Int
        var embeddedPatches: Int
        var total: Int
        var parts: [JSONPart]?
        enum CodingKeys: String, CodingKey {
            case stage, tokens, embeddedPatches = "embedded_patches", total, parts
        }
    }

    struct JSONReport: Encodable {
        var model: String
        var spec: ModelSpec
        var convention: String
        var stage2ClassifierCounted: Bool?
        var cumulative: [Int]
        var gflops: [String]
        var stages: [JSONStage]
        enum CodingKeys: String, CodingKey {
            case model, spec, convention, stage2ClassifierCounted = "stage2_classifier_counted"
            case cumulative, gflops, stages
        }
    }

    func jsonText(_ r: Resolved, _ report: FLOPs.Report) throws -> String {
        let stages = report.stages.map { s in
            JSONStage(stage: s.index, tokens: s.tokens, embeddedPatches: s.embeddedPatches, total: s.total,
                      parts: breakdown ? s.parts.map {
                          JSONPart(component: $0.component.rawValue, flops: $0.flops, counted: $0.counted)
                      } : nil)
        }
        let headCounted = report.stages.count > 1
            ? report.stages[1].parts.first { $0.component == .head }?.counted : nil
        let out = JSONReport(model: r.name, spec: r.spec, convention: report.options.convention.rawValue,
                             stage2ClassifierCounted: headCounted, cumulative: report.cumulative,
                             gflops: report.cumulative.map { FLOPs.giga($0) }, stages: stages)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(out), as: UTF8.self)
    }
}

