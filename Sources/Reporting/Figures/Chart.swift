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
        /// Vertical interval drawn through a point (e.g. a paired 95% interval), keyed by index.
        public var errorBars: [Int: ClosedRange<Double>]
        /// Leave the series out of the legend (reference lines).
        public var inLegend: Bool

        public init(name: String, points: [(x: Double, y: Double)], line: Bool, marker: Marker,
                    markerIndices: [Int]? = nil, hollow: Bool = false, dashed: Bool = false, color: Int,
                    labels: [Int: String] = [:], kind: String, errorBars: [Int: ClosedRange<Double>] = [:],
                    inLegend: Bool = true) {
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
            self.errorBars = errorBars
            self.inLegend = inLegend
        }

        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.points.map(\.x) == b.points.map(\.x) && a.points.map(\.y) == b.points.map(\.y)
                && a.line == b.line && a.marker == b.marker && a.markerIndices == b.markerIndices
                && a.hollow == b.hollow && a.dashed == b.dashed && a.color == b.color && a.labels == b.labels
                && a.kind == b.kind && a.errorBars == b.errorBars && a.inLegend == b.inLegend
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

    /// Left margin of the plot area (tick labels and the y label sit in it).
    static let left = 72.0

    func legendWidth(_ names: [String]) -> Double {
        // DejaVu Sans at 12 px averages about 7 px per character; err on the wide side.
        max(120, 44 + Double(names.map(\.count).max() ?? 0) * 7.6)
    }

    public func svg() -> String {
        let xt = ticks(series.flatMap { $0.points.map(\.x) }, fixed: xRange)
        let left = Self.left, top = 48.0, bottom = 56.0
        let legendWidth = legendWidth(series.filter(\.inLegend).map(\.name))
        let width = left + plotWidth + 24 + legendWidth + 12
        let height = top + plotHeight + bottom
        var b = SVGBuilder()
        Self.header(&b, width: width, height: height, title: title, titleX: left + plotWidth / 2)
        drawPanel(&b, top: top, xt: xt)
        b.element("text", [("class", "x-label"), ("x", SVGBuilder.number(left + plotWidth / 2)),
                           ("y", SVGBuilder.number(height - 12)), ("text-anchor", "middle")], text: xLabel)
        Self.legend(&b, series: series, x: left + plotWidth + 24, top: top, width: legendWidth)
        b.close("svg")
        return b.text
    }

    /// The SVG root, background and title.
    static func header(_ b: inout SVGBuilder, width: Double, height: Double, title: String, titleX: Double) {
        let n = SVGBuilder.number
        b.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        b.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"),
                       ("width", n(width)), ("height", n(height)), ("viewBox", "0 0 \(n(width)) \(n(height))"),
                       ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"), ("font-size", "12")])
        b.element("title", [], text: title)
        b.empty("rect", [("x", "0"), ("y", "0"), ("width", n(width)), ("height", n(height)), ("fill", "#ffffff")])
        b.element("text", [("x", n(titleX)), ("y", "24"), ("text-anchor", "middle"),
                           ("font-size", "15"), ("font-weight", "bold")], text: title)
    }

    /// Grid, axes, tick labels, the y label, and the series of this chart, in the plot area
    /// whose top edge is at `top` (the x ticks are given so stacked panels share them).
    func drawPanel(_ b: inout SVGBuilder, top: Double, xt: AxisTicks) {
        let yt = ticks(series.flatMap { s in s.points.map(\.y) + s.errorBars.values.flatMap { [$0.lowerBound, $0.upperBound] } },
                       fixed: yRange)
        let left = Self.left
        let n = SVGBuilder.number
        func px(_ x: Double) -> Double { left + (x - xt.lower) / (xt.upper - xt.lower) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - yt.lower) / (yt.upper - yt.lower) * plotHeight }

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
        b.element("text", [("class", "y-label"), ("x", "18"), ("y", n(top + plotHeight / 2)), ("text-anchor", "middle"),
                           ("transform", "rotate(-90 18 \(n(top + plotHeight / 2)))")], text: yLabel)

        // Series: lines first, then error bars, markers and labels on top of every line.
        for s in series where s.line && s.points.count > 1 {
            b.open("g", [("class", "series-line"), ("data-series", s.name)])
            var attrs = [("points", s.points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")),
                         ("fill", "none"), ("stroke", Self.color(s.color)), ("stroke-width", s.kind == "reference" ? "1" : "2"),
                         ("stroke-linejoin", "round")]
            if s.dashed { attrs.append(("stroke-dasharray", "6 4")) }
            b.empty("polyline", attrs)
            b.close("g")
        }
        var markerPoints: [(x: Double, y: Double)] = []
        for s in series where s.marker != .none {
            for i in s.markerIndices ?? Array(s.points.indices) where s.points.indices.contains(i) {
                markerPoints.append((px(s.points[i].x), py(s.points[i].y)))
            }
        }
        var placer = LabelPlacer(plot: .init(x0: left, y0: top, x1: left + plotWidth, y1: top + plotHeight),
                                 markers: markerPoints)
        for s in series {
            b.open("g", [("class", "series"), ("data-series", s.name), ("data-kind", s.kind),
                         ("data-points", String(s.points.count))])
            for i in s.errorBars.keys.sorted() where s.points.indices.contains(i) {
                let r = s.errorBars[i]!, x = n(px(s.points[i].x))
                b.empty("line", [("class", "error-bar"), ("x1", x), ("y1", n(py(r.lowerBound))), ("x2", x), ("y2", n(py(r.upperBound))),
                                 ("stroke", Self.color(s.color)), ("stroke-width", "1.5")])
            }
            let indices = s.markerIndices ?? Array(s.points.indices)
            for i in indices where s.points.indices.contains(i) {
                Self.marker(&b, s.marker, x: px(s.points[i].x), y: py(s.points[i].y), color: Self.color(s.color), hollow: s.hollow)
            }
            b.close("g")
        }
        // Labels last, so that no later line or marker is drawn over one.
        b.open("g", [("class", "point-labels")])
        for s in series {
            for i in s.labels.keys.sorted() where s.points.indices.contains(i) {
                guard let at = placer.place(s.labels[i]!, at: px(s.points[i].x), py(s.points[i].y)) else { continue }
                b.element("text", [("class", "point-label"), ("x", n(at.x)), ("y", n(at.y)),
                                   ("font-size", "10"), ("fill", Self.color(s.color))], text: s.labels[i]!)
            }
        }
        b.close("g")
    }

    /// The legend box: one line per series shown in it, top to bottom.
    static func legend(_ b: inout SVGBuilder, series all: [Series], x lx: Double, top: Double, width: Double) {
        let n = SVGBuilder.number
        let series = all.filter(\.inLegend)
        b.open("g", [("class", "legend")])
        b.empty("rect", [("x", n(lx)), ("y", n(top)), ("width", n(width)),
                         ("height", n(Double(series.count) * 20 + 12)), ("fill", "#ffffff"), ("stroke", "#bbbbbb")])
        for (i, s) in series.enumerated() {
            let y = top + 16 + Double(i) * 20
            if s.line {
                var attrs = [("x1", n(lx + 8)), ("y1", n(y)), ("x2", n(lx + 34)), ("y2", n(y)),
                             ("stroke", color(s.color)), ("stroke-width", "2")]
                if s.dashed { attrs.append(("stroke-dasharray", "6 4")) }
                b.empty("line", attrs)
            }
            marker(&b, s.marker, x: lx + 21, y: y, color: color(s.color), hollow: s.hollow)
            b.element("text", [("x", n(lx + 42)), ("y", n(y + 4))], text: s.name)
        }
        b.close("g")
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
