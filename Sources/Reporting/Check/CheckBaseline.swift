import Foundation

/// The committed reference of `repro check` (results/baselines/SUITE.json): per model, every
/// image's prediction, confidence and top-2 margin at each stage, the stages' cumulative
/// FLOPs and the accuracy / FLOPs curve. Built from the store by `build(...)`
/// (`repro check --update`), compared by `RegressionCheck.compare`.
///
/// Why the margin: a per-stage prediction may flip between machines only when the top two
/// classes are within ε of each other, so the baseline keeps p₁ − p₂ to tell such a tie from
/// a real change.
public struct CheckBaseline: Codable, Equatable, Sendable {
    public static let formatVersion = 1

    /// File format version (`formatVersion`).
    public var format: Int
    public var suite: String
    /// Where the baseline's numbers came from (informational; not compared).
    public var source: CheckSource
    /// η values at which final predictions are compared; an image whose exit stage changes
    /// at one of them is excused when its stage-1 confidence is within ε of that η. Use the
    /// whole sweep (0.00…1.00) unless the suite reports only a few η values.
    public var etas: [Double]
    /// Tolerances to use when the caller does not pass its own.
    public var tolerances: CheckTolerances?
    public var models: [CheckModel]

    public init(suite: String, source: CheckSource, etas: [Double], tolerances: CheckTolerances? = nil,
                models: [CheckModel]) {
        self.format = Self.formatVersion
        self.suite = suite
        self.source = source
        self.etas = etas
        self.tolerances = tolerances
        self.models = models
    }

    /// The baseline for the current data, checked for shape (`repro check --update`). `etas`
    /// defaults to the η values of the first two-stage model's curve.
    public static func build(suite: String, source: CheckSource, models: [CheckModel], etas: [Double]? = nil,
                             tolerances: CheckTolerances? = nil) throws -> CheckBaseline {
        let etas = etas ?? (models.first { $0.stageFLOPs.count > 1 }?.curve.compactMap(\.eta) ?? [])
        let baseline = CheckBaseline(suite: suite, source: source, etas: etas.sorted(), tolerances: tolerances,
                                     models: models)
        try baseline.validate(file: "current data")
        return baseline
    }

    /// Shape checks shared by `build` and `load`, naming the offending field.
    func validate(file: String) throws {
        func fail(_ problem: String) -> ReportError { .baselineFile(path: file, problem: problem) }
        guard format == Self.formatVersion else {
            throw fail("format \(format), this build reads format \(Self.formatVersion)")
        }
        guard etas.allSatisfy(\.isFinite) else { throw fail("etas: non-finite value") }
        var names = Set<String>()
        for m in models {
            guard names.insert(m.name).inserted else { throw fail("models: '\(m.name)' appears twice") }
            guard !m.stageFLOPs.isEmpty else { throw fail("models.\(m.name).stage_flops: empty") }
            var ids = Set<String>()
            for image in m.images {
                guard ids.insert(image.id).inserted else { throw fail("models.\(m.name).images: '\(image.id)' appears twice") }
                guard image.stages.count == m.stageFLOPs.count else {
                    throw fail("models.\(m.name).images '\(image.id)': \(image.stages.count) stages, stage_flops has \(m.stageFLOPs.count)")
                }
                for s in image.stages where !(s.confidence.isFinite && s.margin.isFinite) {
                    throw fail("models.\(m.name).images '\(image.id)': non-finite confidence or margin")
                }
            }
        }
    }

    /// Reads and checks a baseline file.
    public static func load(path: String) throws -> CheckBaseline {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.baselineFile(path: path, problem: "cannot read it (\(error.localizedDescription))")
        }
        let baseline: CheckBaseline
        do {
            baseline = try JSONDecoder().decode(CheckBaseline.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ReportError.baselineFile(path: path, problem: "missing field '\(Self.path(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ReportError.baselineFile(path: path, problem: "field '\(Self.path(context.codingPath))': \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ReportError.baselineFile(path: path, problem: "not valid JSON at '\(Self.path(context.codingPath))': \(context.debugDescription)")
        } catch {
            throw ReportError.baselineFile(path: path, problem: "\(error)")
        }
        try baseline.validate(file: path)
        return baseline
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
    }

    /// Writes the baseline (`jsonText()`) atomically.
    public func save(path: String) throws {
        do {
            try Data(jsonText().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReportError.cannotWrite(path: path, problem: error.localizedDescription)
        }
    }

    enum CodingKeys: String, CodingKey { case format, suite, source, etas, tolerances, models }
}

/// Provenance of a baseline's numbers.
public struct CheckSource: Codable, Equatable, Sendable {
    public var gitRevision: String
    /// ISO 8601 UTC (see `UTCDate.iso8601`).
    public var date: String
    public var host: String
    public var datasetPath: String

    public init(gitRevision: String, date: String, host: String, datasetPath: String) {
        self.gitRevision = gitRevision
        self.date = date
        self.host = host
        self.datasetPath = datasetPath
    }

    enum CodingKeys: String, CodingKey { case gitRevision = "git_rev", date, host, datasetPath = "dataset_path" }
}

/// One model's reference data.
public struct CheckModel: Codable, Equatable, Sendable {
    public var name: String
    /// Cumulative FLOPs of stopping after each stage; compared exactly.
    public var stageFLOPs: [Int64]
    /// The accuracy / FLOPs curve (one point with no η for a single-stage model).
    public var curve: [CurvePoint]
    public var images: [CheckImage]

    public init(name: String, stageFLOPs: [Int64], curve: [CurvePoint], images: [CheckImage]) {
        self.name = name
        self.stageFLOPs = stageFLOPs
        self.curve = curve
        self.images = images
    }

    /// Stage FLOPs and curve taken from a report row; images from the store.
    public init(_ model: ModelResult, images: [CheckImage]) {
        self.init(name: model.name, stageFLOPs: model.stages.map(\.cumulativeFLOPs),
                  curve: model.sweep.map(CurvePoint.init), images: images)
    }

    enum CodingKeys: String, CodingKey { case name, stageFLOPs = "stage_flops", curve, images }
}

public struct CurvePoint: Codable, Equatable, Sendable {
    public var eta: Double?
    public var images: Int
    public var top1Correct: Int
    public var stage1Exits: Int
    public var gflops: Double

    public init(eta: Double?, images: Int, top1Correct: Int, stage1Exits: Int, gflops: Double) {
        self.eta = eta
        self.images = images
        self.top1Correct = top1Correct
        self.stage1Exits = stage1Exits
        self.gflops = gflops
    }

    public init(_ p: SweepPointResult) {
        self.init(eta: p.eta, images: p.images, top1Correct: p.top1Correct,
                  stage1Exits: p.stages.first?.exits ?? p.images, gflops: p.gflops)
    }

    enum CodingKeys: String, CodingKey {
        case eta, images, top1Correct = "top1_correct", stage1Exits = "stage1_exits", gflops
    }
}

/// One image: its identity (the dataset-relative path) and each stage's output.
public struct CheckImage: Codable, Equatable, Sendable {
    public var id: String
    public var label: Int?
    public var stages: [StagePrediction]

    public init(id: String, label: Int?, stages: [StagePrediction]) {
        self.id = id
        self.label = label
        self.stages = stages
    }

    enum CodingKeys: String, CodingKey { case id, label, classes, confidences, margins }

    // Stored column-wise per image ("classes": [...], "confidences": [...], "margins": [...]),
    // one image per line in the file.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        label = try c.decodeIfPresent(Int.self, forKey: .label)
        let classes = try c.decode([Int].self, forKey: .classes)
        let confidences = try c.decode([Double].self, forKey: .confidences)
        let margins = try c.decode([Double].self, forKey: .margins)
        guard classes.count == confidences.count, classes.count == margins.count else {
            throw DecodingError.dataCorruptedError(forKey: .classes, in: c,
                debugDescription: "image \(id): classes, confidences and margins differ in length")
        }
        stages = classes.indices.map {
            StagePrediction(predicted: classes[$0], confidence: Float(confidences[$0]), margin: Float(margins[$0]))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encode(stages.map(\.predicted), forKey: .classes)
        try c.encode(stages.map { Double($0.confidence) }, forKey: .confidences)
        try c.encode(stages.map { Double($0.margin) }, forKey: .margins)
    }
}

/// One stage's output for one image.
public struct StagePrediction: Codable, Equatable, Sendable {
    public var predicted: Int
    /// Max softmax probability (float32, as the exit rule compares it).
    public var confidence: Float
    /// Top-1 minus top-2 probability (the confidence when there is only one class).
    public var margin: Float

    public init(predicted: Int, confidence: Float, margin: Float) {
        self.predicted = predicted
        self.confidence = confidence
        self.margin = margin
    }

    /// From a stage's top-k, highest first (k ≥ 1).
    public init?(topClasses: [Int], topProbabilities: [Float]) {
        guard let c = topClasses.first, let p = topProbabilities.first else { return nil }
        self.init(predicted: c, confidence: p, margin: p - (topProbabilities.count > 1 ? topProbabilities[1] : 0))
    }
}

/// How far `repro check` lets the current run drift from the baseline.
public struct CheckTolerances: Codable, Equatable, Sendable {
    /// A prediction may flip where the top-2 margin is ≤ ε, an exit stage where the stage-1
    /// confidence is within ε of the η — in the baseline and in the current run alike.
    public var epsilon: Double
    /// Largest |Δ confidence| per image and stage.
    public var confidence: Double
    /// Top-1 / stage-1 exit share of a curve point may move by this many percentage points
    /// beyond what the excused flips at that η explain.
    public var curveTop1: Double
    public var curveExitShare: Double
    /// GFLOPs a curve point may move beyond what the excused exit changes explain.
    public var curveGFLOPs: Double

    public init(epsilon: Double = 1e-4, confidence: Double = 1e-4, curveTop1: Double = 0,
                curveExitShare: Double = 0, curveGFLOPs: Double = 1e-6) {
        self.epsilon = epsilon
        self.confidence = confidence
        self.curveTop1 = curveTop1
        self.curveExitShare = curveExitShare
        self.curveGFLOPs = curveGFLOPs
    }

    enum CodingKeys: String, CodingKey {
        case epsilon, confidence, curveTop1 = "curve_top1", curveExitShare = "curve_exit_share", curveGFLOPs = "curve_gflops"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CheckTolerances()
        epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? d.epsilon
        confidence = try c.decodeIfPresent(Double.self, forKey: .confidence) ?? d.confidence
        curveTop1 = try c.decodeIfPresent(Double.self, forKey: .curveTop1) ?? d.curveTop1
        curveExitShare = try c.decodeIfPresent(Double.self, forKey: .curveExitShare) ?? d.curveExitShare
        curveGFLOPs = try c.decodeIfPresent(Double.self, forKey: .curveGFLOPs) ?? d.curveGFLOPs
    }
}
