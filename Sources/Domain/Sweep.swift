import Foundation

/// Per-image inputs of the η sweep, image-major: for image i and stage s (0-based) the
/// entry i·stageCount + s. Only numbers: confidences (max softmax, float32), whether the
/// stage's top-1 / top-5 contain the label, and the cumulative FLOPs of stopping there.
public struct SweepInput: Sendable {
    public let stageCount: Int
    public private(set) var imageCount = 0
    public private(set) var confidences: [Float] = []
    public private(set) var top1Correct: [Bool] = []
    public private(set) var top5Correct: [Bool] = []
    public private(set) var cumulativeFLOPs: [Int64] = []

    public init(stageCount: Int, reservingImages: Int = 0) {
        precondition(stageCount >= 1, "a model has at least one stage")
        self.stageCount = stageCount
        let n = reservingImages * stageCount
        confidences.reserveCapacity(n)
        top1Correct.reserveCapacity(n)
        top5Correct.reserveCapacity(n)
        cumulativeFLOPs.reserveCapacity(n)
    }

    /// Adds one image; each array has one entry per stage.
    public mutating func append(confidences c: [Float], top1Correct t1: [Bool], top5Correct t5: [Bool],
                                cumulativeFLOPs f: [Int64]) {
        precondition(c.count == stageCount && t1.count == stageCount && t5.count == stageCount
                     && f.count == stageCount, "one entry per stage")
        confidences += c
        top1Correct += t1
        top5Correct += t5
        cumulativeFLOPs += f
        imageCount += 1
    }
}

/// How many images a stage decided at one η, and how many of those it got right.
public struct StageExit: Equatable, Sendable {
    public var exits: Int
    public var top1Correct: Int
    public var top5Correct: Int

    public init(exits: Int, top1Correct: Int, top5Correct: Int) {
        self.exits = exits
        self.top1Correct = top1Correct
        self.top5Correct = top5Correct
    }
}

/// One point of the accuracy / FLOPs curve. Accuracies and shares are fractions in [0, 1].
public struct SweepPoint: Equatable, Sendable {
    public var eta: Double
    public var imageCount: Int
    /// Per stage (index 0 = stage 1): images decided there and how many are correct.
    public var stages: [StageExit]
    public var top1Correct: Int
    public var top5Correct: Int
    public var expectedGFLOPs: Double

    public init(eta: Double, imageCount: Int, stages: [StageExit], expectedGFLOPs: Double) {
        self.eta = eta
        self.imageCount = imageCount
        self.stages = stages
        self.top1Correct = stages.reduce(0) { $0 + $1.top1Correct }
        self.top5Correct = stages.reduce(0) { $0 + $1.top5Correct }
        self.expectedGFLOPs = expectedGFLOPs
    }

    /// The threshold the exit rule compares against: Float(η).
    public var etaFloat32: Float { ExitRule.threshold(eta) }
    public var top1: Double { imageCount > 0 ? Double(top1Correct) / Double(imageCount) : 0 }
    public var top5: Double { imageCount > 0 ? Double(top5Correct) / Double(imageCount) : 0 }
    public var top1Interval: WilsonInterval { WilsonInterval(successes: top1Correct, trials: imageCount) }
    public var top5Interval: WilsonInterval { WilsonInterval(successes: top5Correct, trials: imageCount) }
    /// Share of the images decided at stage 1 (1 for a single-stage model).
    public var stage1ExitShare: Double {
        imageCount > 0 ? Double(stages[0].exits) / Double(imageCount) : 0
    }
}

/// The η sweep as a pure function of stored numbers (no model is run).
///
/// Each image stops where `ExitRule` says and counts with that stage's prediction; expected
/// FLOPs as `ExpectedFLOPs` defines them.
public enum Sweep {
    /// 0.00, 0.01, …, 0.99, 1.0 — each η as Double(p) / 100, never by accumulation, so
    /// 0.07 is the double nearest 0.07 (the literal a user types in SQL).
    public static let defaultEtas: [Double] = (0...100).map { Double($0) / 100 }

    public static func point(_ input: SweepInput, eta: Double) -> SweepPoint {
        let k = input.stageCount
        let threshold = ExitRule.threshold(eta)
        var stages = [StageExit](repeating: StageExit(exits: 0, top1Correct: 0, top5Correct: 0), count: k)
        var flops = ExpectedFLOPs()
        input.confidences.withUnsafeBufferPointer { conf in
            for i in 0..<input.imageCount {
                let base = i * k
                var s = 0
                while s < k - 1 && !ExitRule.stops(confidence: conf[base + s], threshold: threshold) { s += 1 }
                stages[s].exits += 1
                if input.top1Correct[base + s] { stages[s].top1Correct += 1 }
                if input.top5Correct[base + s] { stages[s].top5Correct += 1 }
                flops.add(input.cumulativeFLOPs[base + s])
            }
        }
        return SweepPoint(eta: eta, imageCount: input.imageCount, stages: stages, expectedGFLOPs: flops.gflops)
    }

    public static func evaluate(_ input: SweepInput, etas: [Double] = defaultEtas) -> [SweepPoint] {
        etas.map { point(input, eta: $0) }
    }
}
