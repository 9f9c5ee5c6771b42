import Foundation

/// A contiguous, row-major Float32 tensor.
///
/// Storage is a Swift array (copy-on-write), so a `Tensor` is a value. Kernels take raw
/// pointers and explicit sizes; this type exists to carry shapes across API boundaries
/// (weights, fixtures, model inputs and outputs), not to be sliced in hot loops.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(Tensor.count(of: shape) == scalars.count,
                     "shape \(shape) needs \(Tensor.count(of: shape)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: 0, count: Tensor.count(of: shape)))
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: Tensor.count(of: shape)))
    }

    public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// Same scalars, new shape (element count must match).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Row `i` of the tensor viewed as [shape[0], rest].
    public func row(_ i: Int) -> ArraySlice<Float> {
        let width = shape.isEmpty ? 1 : count / max(shape[0], 1)
        return scalars[(i * width)..<((i + 1) * width)]
    }

    public func withUnsafePointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    public mutating func withUnsafeMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Largest absolute elementwise difference; shapes must match.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shape \(shape) vs \(other.shape)")
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(scalars[i] - other.scalars[i])) }
        return m
    }

    public var description: String {
        let head = scalars.prefix(6).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 6 ? ", …" : "")]"
    }
}


extension Tensor {
    /// Rows `range` of the first dimension, copied.
    public func slice(_ range: Range<Int>) -> Tensor {
        let width = shape.isEmpty ? 1 : count / max(shape[0], 1)
        return Tensor(shape: [range.count] + shape.dropFirst(),
                      scalars: Array(scalars[(range.lowerBound * width)..<(range.upperBound * width)]))
    }

    /// Tensors stacked along the first dimension (all other dimensions equal).
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let rest = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == rest }, "shapes differ beyond the first dimension")
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + rest, scalars: parts.flatMap(\.scalars))
    }
}
