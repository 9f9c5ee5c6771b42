import Foundation

/// Writes SVG text by hand. Coordinates go through `Fixed` (two decimals), attributes are
/// written in the order given and nothing depends on dictionaries or the clock, so the same
/// chart always gives the same bytes.
struct SVGBuilder {
    private(set) var text = ""
    private var depth = 0

    static func number(_ x: Double) -> String {
        var s = Fixed.string(x, 2)
        if s.hasSuffix(".00") { s.removeLast(3) }
        return s
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    mutating func line(_ s: String) {
        text += String(repeating: "  ", count: depth) + s + "\n"
    }

    mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
        line("<\(name)\(Self.attributes(attrs))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func empty(_ name: String, _ attrs: [(String, String)]) {
        line("<\(name)\(Self.attributes(attrs))/>")
    }

    mutating func element(_ name: String, _ attrs: [(String, String)], text content: String) {
        line("<\(name)\(Self.attributes(attrs))>\(Self.escape(content))</\(name)>")
    }
}

/// Tick positions for an axis: "nice" steps of 1, 2 or 5 × 10^k covering the data range.
struct AxisTicks: Equatable {
    var lower: Double
    var upper: Double
    var step: Double
    /// Decimals of the tick labels.
    var decimals: Int

    var values: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...max(n, 0)).map { lower + Double($0) * step }
    }

    func label(_ v: Double) -> String { Fixed.string(v, decimals) }

    /// Ticks covering [lo, hi] with about `target` intervals. Powers of ten by repeated
    /// multiplication (no log/pow), so the result is the same on every libm.
    static func nice(_ lo: Double, _ hi: Double, target: Int = 6) -> AxisTicks {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = max(abs(lo) * 0.05, 0.5)
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(max(target, 1))
        var magnitude = 1.0
        var decimals = 0
        while magnitude > raw { magnitude /= 10; decimals += 1 }
        while magnitude * 10 <= raw { magnitude *= 10; decimals -= 1 }
        let normalized = raw / magnitude
        let factor: Double = normalized <= 1 ? 1 : (normalized <= 2 ? 2 : (normalized <= 5 ? 5 : 10))
        if factor == 10 { decimals -= 1 }
        let step = factor * magnitude
        let lower = (lo / step).rounded(.down) * step
        let upper = (hi / step).rounded(.up) * step
        return AxisTicks(lower: lower, upper: upper, step: step, decimals: max(decimals, 0))
    }
}
