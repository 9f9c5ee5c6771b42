import Foundation

/// A 2-D chart (lines and markers) rendered as standalone SVG 1.1: frame, ticks, grid, axis
/// labels, title and a legend to the right of the plot, so that no curve hides behind it.
public struct Chart: Equatable {
    public enum Marker: String, Equatable, Sendable {
        case circle, square, diamond, triangle, none
    }

    public struct Series: Equatable {
        /// Legend text; also written as `data-series` on the series' group (tests and tools find it there).
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Join the points with a line (in the order given).
        public var line: Bool
        public var marker: Marker
        /// Draw markers only at these indices (nil: at every point).
        public var markerIndices: [Int]?
        /// Hollow markers (white fill, coloured outline): the paper's points.
        public var hollow: Bool
        public var dashed: Bool
        /// Palette slot; series of the same model share it.
        public var color: Int
        /// Short text drawn beside a marker, keyed by point index (e.g. the η of a dot).
        public var labels: [Int: String]
        /// `data-kind` of the group ("curve", "baseline", "paper").
        public var kind: String

        public init(name: String, points: [(x: Double, y: Double)], line: Bool, marker: Marker,
                    markerIndices: [Int]? = nil, hollow: Bool = false, dashed: Bool = false, color: Int,
                    labels: [Int: String] = [:], kind: String) {
            self.name = name
            self.points = points
            self.line = line
            self.marker = marker
            self.markerIndices = markerIndices
            self.hollow = hollow
            self.dashed = dashed
            self.color = color
            self.labels = labels
            self.kind = kind
        }

        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.points.map(\.x) == b.points.map(\.x) && a.points.map(\.y) == b.points.map(\.y)
                && a.line == b.line && a.marker == b.marker && a.markerIndices == b.markerIndices
                && a.hollow == b.hollow && a.dashed == b.dashed && a.color == b.color && a.labels == b.labels
                && a.kind == b.kind
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed axis ranges (nil: from the data, widened to nice ticks).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var plotWidth: Double = 560
    public var plotHeight: Double = 380

    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    /// Tableau 10: distinguishable, and readable in grey scale by marker shape as well.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func color(_ i: Int) -> String { palette[((i % palette.count) + palette.count) % palette.count] }

    func ticks(_ values: [Double], fixed: ClosedRange<Double>?) -> AxisTicks {
        if let r = fixed {
            var t = AxisTicks.nice(r.lowerBound, r.upperBound)
            t.lower = r.lowerBound
            t.upper = r.upperBound
            return t
        }
        guard let lo = values.min(), let hi = values.max() else { return AxisTicks.nice(0, 1) }
        let pad = (hi - lo) * 0.03
        return AxisTicks.nice(lo - pad, hi + pad)
    }

    public func svg() -> String {
        let xt = ticks(series.flatMap { $0.points.map(\.x) }, fixed: xRange)
        let yt = ticks(series.flatMap { $0.points.map(\.y) }, fixed: yRange)
        let left = 72.0, top = 48.0, bottom = 56.0
        // DejaVu Sans at 12 px averages about 7 px per character; err on the wide side.
        let legendTextWidth = Double(series.map(\.name.count).max() ?? 0) * 7.6
        let legendWidth = max(120, 44 + legendTextWidth)
        let width = left + plotWidth + 24 + legendWidth + 12
        let height = top + plotHeight + bottom
        let n = SVGBuilder.number
        func px(_ x: Double) -> Double { left + (x - xt.lower) / (xt.upper - xt.lower) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - yt.lower) / (yt.upper - yt.lower) * plotHeight }

        var b = SVGBuilder()
        b.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        b.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"),
                       ("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                       ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"), ("font-size", "12")])
        b.element("title", [], text: title)
        b.empty("rect", [("x", "0"), ("y", "0"), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff")])
        b.element("text", [("x", n(left + plotWidth / 2)), ("y", "24"), ("text-anchor", "middle"),
                           ("font-size", "15"), ("font-weight", "bold")], text: title)

        // Grid and ticks.
        b.open("g", [("class", "grid"), ("stroke", "#e0e0e0"), ("stroke-width", "1")])
        for v in xt.values { b.empty("line", [("x1", n(px(v))), ("y1", n(top)), ("x2", n(px(v))), ("y2", n(top + plotHeight))]) }
        for v in yt.values { b.empty("line", [("x1", n(left)), ("y1", n(py(v))), ("x2", n(left + plotWidth)), ("y2", n(py(v)))]) }
        b.close("g")
        b.open("g", [("class", "axes"), ("stroke", "#333333"), ("stroke-width", "1")])
        b.empty("rect", [("x", n(left)), ("y", n(top)), ("width", n(plotWidth)), ("height", n(plotHeight)), ("fill", "none")])
        for v in xt.values {
            b.empty("line", [("x1", n(px(v))), ("y1", n(top + plotHeight)), ("x2", n(px(v))), ("y2", n(top + plotHeight + 5))])
        }
        for v in yt.values { b.empty("line", [("x1", n(left - 5)), ("y1", n(py(v))), ("x2", n(left)), ("y2", n(py(v)))]) }
        b.close("g")
        b.open("g", [("class", "tick-labels"), ("fill", "#333333")])
        for v in xt.values {
            b.element("text", [("x", n(px(v))), ("y", n(top + plotHeight + 19)), ("text-anchor", "middle")], text: xt.label(v))
        }
        for v in yt.values {
            b.element("text", [("x", n(left - 8)), ("y", n(py(v) + 4)), ("text-anchor", "end")], text: yt.label(v))
        }
        b.close("g")
        b.element("text", [("class", "x-label"), ("x", n(left + plotWidth / 2)), ("y", n(height - 12)),
                           ("text-anchor", "middle")], text: xLabel)
        b.element("text", [("class", "y-label"), ("x", "18"), ("y", n(top + plotHeight / 2)), ("text-anchor", "middle"),
                           ("transform", "rotate(-90 18 \(n(top + plotHeight / 2)))")], text: yLabel)

        // Series: lines first, then markers and labels on top of every line.
        for s in series where s.line && s.points.count > 1 {
            b.open("g", [("class", "series-line"), ("data-series", s.name)])
            var attrs = [("points", s.points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")),
                         ("fill", "none"), ("stroke", Self.color(s.color)), ("stroke-width", "2"),
                         ("stroke-linejoin", "round")]
            if s.dashed { attrs.append(("stroke-dasharray", "6 4")) }
            b.empty("polyline", attrs)
            b.close("g")
        }
        for s in series {
            b.open("g", [("class", "series"), ("data-series", s.name), ("data-kind", s.kind),
                         ("data-points", String(s.points.count))])
            let indices = s.markerIndices ?? Array(s.points.indices)
            for i in indices where s.points.indices.contains(i) {
                Self.marker(&b, s.marker, x: px(s.points[i].x), y: py(s.points[i].y), color: Self.color(s.color), hollow: s.hollow)
            }
            for i in s.labels.keys.sorted() where s.points.indices.contains(i) {
                b.element("text", [("x", n(px(s.points[i].x) + 7)), ("y", n(py(s.points[i].y) - 7)),
                                   ("font-size", "10"), ("fill", Self.color(s.color))], text: s.labels[i]!)
            }
            b.close("g")
        }

        // Legend.
        let lx = left + plotWidth + 24
        b.open("g", [("class", "legend")])
        b.empty("rect", [("x", n(lx)), ("y", n(top)), ("width", n(legendWidth)),
                         ("height", n(Double(series.count) * 20 + 12)), ("fill", "#ffffff"), ("stroke", "#bbbbbb")])
        for (i, s) in series.enumerated() {
            let y = top + 16 + Double(i) * 20
            if s.line {
                var attrs = [("x1", n(lx + 8)), ("y1", n(y)), ("x2", n(lx + 34)), ("y2", n(y)),
                             ("stroke", Self.color(s.color)), ("stroke-width", "2")]
                if s.dashed { attrs.append(("stroke-dasharray", "6 4")) }
                b.empty("line", attrs)
            }
            Self.marker(&b, s.marker, x: lx + 21, y: y, color: Self.color(s.color), hollow: s.hollow)
            b.element("text", [("x", n(lx + 42)), ("y", n(y + 4))], text: s.name)
        }
        b.close("g")
        b.close("svg")
        return b.text
    }

    static func marker(_ b: inout SVGBuilder, _ shape: Marker, x: Double, y: Double, color: String, hollow: Bool) {
        let n = SVGBuilder.number
        let paint = [("fill", hollow ? "#ffffff" : color), ("stroke", hollow ? color : "#ffffff"),
                     ("stroke-width", hollow ? "2" : "1")]
        switch shape {
        case .none:
            return
        case .circle:
            b.empty("circle", [("cx", n(x)), ("cy", n(y)), ("r", "4")] + paint)
        case .square:
            b.empty("rect", [("x", n(x - 4.5)), ("y", n(y - 4.5)), ("width", "9"), ("height", "9")] + paint)
        case .diamond:
            b.empty("path", [("d", "M\(n(x)) \(n(y - 6))L\(n(x + 6)) \(n(y))L\(n(x)) \(n(y + 6))L\(n(x - 6)) \(n(y))Z")] + paint)
        case .triangle:
            b.empty("path", [("d", "M\(n(x)) \(n(y - 6))L\(n(x + 5.5)) \(n(y + 4))L\(n(x - 5.5)) \(n(y + 4))Z")] + paint)
        }
    }
}
