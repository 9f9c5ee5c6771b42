/// The early-exit rule of the official real early exit (`forward_early_exit`, spec/cf-vit.md
/// §7): an image stops at the first stage s < last whose confidence (max softmax, float32)
/// is ≥ Float(η), else at the last stage. η = 0 → every image stops at stage 1; η > 1 → none
/// does. The model's early exit, the sweep, the store's comparisons and `repro check` all
/// decide through `stops`; the SQL views restate it (checked against this code by
/// RunStoreTests on every stored image).
public enum ExitRule {
    /// The threshold the rule compares against: η rounded to float32, as the official code
    /// compares a float32 tensor with a Python float.
    @inline(__always)
    public static func threshold(_ eta: Double) -> Float { Float(eta) }

    /// Whether an image with this stage confidence stops at that stage (stages before the last).
    @inline(__always)
    public static func stops(confidence: Float, threshold: Float) -> Bool { confidence >= threshold }

    /// The 0-based stage at which an image with these per-stage confidences stops.
    @inline(__always)
    public static func exitStage<C: RandomAccessCollection>(confidences: C, threshold: Float) -> Int
    where C.Element == Float, C.Index == Int {
        let last = confidences.count - 1
        var s = 0
        while s < last && !stops(confidence: confidences[confidences.startIndex + s], threshold: threshold) {
            s += 1
        }
        return s
    }
}
