/// One stage's output for one image. `topClasses` / `topProbabilities` hold the top-k
/// (k = min(5, classes), k ≥ 1) in descending order: the first entry is the prediction and
/// its probability the confidence (max softmax), kept as the exact float32 value the exit
/// rule compares.
public struct StageOutput: Equatable, Sendable {
    /// 1 = coarse, 2 = fine, …
    public var stage: Int
    public var topClasses: [Int]
    public var topProbabilities: [Float]
    /// FLOPs of stopping after this stage (cumulative over stages).
    public var cumulativeFLOPs: Int64

    public init(stage: Int, topClasses: [Int], topProbabilities: [Float], cumulativeFLOPs: Int64) {
        self.stage = stage
        self.topClasses = topClasses
        self.topProbabilities = topProbabilities
        self.cumulativeFLOPs = cumulativeFLOPs
    }

    /// The predicted class (`topClasses[0]`; a stage output never holds an empty top-k).
    public var predicted: Int { topClasses[0] }
    /// max softmax (`topProbabilities[0]`).
    public var confidence: Float { topProbabilities[0] }
}
