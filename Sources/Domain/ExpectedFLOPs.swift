/// Expected FLOPs of an early-exit model (DVT's convention, used by both official
/// evaluations): the mean over images of the cumulative FLOPs of the stage each stopped at (Σ_stage share stopping there × cumulative FLOPs of that stage).
/// Summed in integers, so the mean does not depend on the order of the images, and it also
/// holds when FLOPs vary by image.
public struct ExpectedFLOPs: Equatable, Sendable {
    public private(set) var total: Int64 = 0
    public private(set) var images = 0

    public init() {}

    /// One image that stopped where stopping costs `cumulativeFLOPs`.
    @inline(__always)
    public mutating func add(_ cumulativeFLOPs: Int64) {
        total += cumulativeFLOPs
        images += 1
    }

    /// Mean FLOPs per image in G (0 for no images).
    public var gflops: Double { images > 0 ? Double(total) / Double(images) / 1e9 : 0 }

    /// Mean FLOPs per image from per-stage exit counts and cumulative FLOPs; nil when no image
    /// is counted, a count is negative or the lists differ in length.
    public static func mean(cumulative: [Int], exits: [Int]) -> Double? {
        guard exits.count == cumulative.count, exits.allSatisfy({ $0 >= 0 }) else { return nil }
        var e = ExpectedFLOPs()
        for (c, n) in zip(cumulative, exits) {
            e.total += Int64(c) * Int64(n)
            e.images += n
        }
        return e.images > 0 ? Double(e.total) / Double(e.images) : nil
    }
}
