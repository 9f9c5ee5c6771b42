import Foundation

/// Several charts stacked vertically on one shared x axis (same ticks, same range), with one
/// legend for all of them to the right: e.g. top-1 against FLOPs above, Δ top-1 against the
/// same FLOPs below.
public struct StackedChart: Equatable {
    public var title: String
    public var xLabel: String
    /// Top to bottom. Each panel's own x range is ignored (the stack's is used), its plot
    /// height is its `plotHeight`.
    public var panels: [Chart]
    /// Fixed x range (nil: from every panel's data, widened to nice ticks).
    public var xRange: ClosedRange<Double>?
    public var plotWidth: Double = 560

    public init(title: String, xLabel: String, panels: [Chart], xRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.panels = panels
        self.xRange = xRange
    }

    /// Space between panels: the upper panel's x tick labels and some air.
    static let gap = 44.0

    public func svg() -> String {
        var panels = self.panels
        for i in panels.indices { panels[i].plotWidth = plotWidth }
        let probe = panels.first ?? Chart(title: "", xLabel: "", yLabel: "", series: [])
        let xt = probe.ticks(panels.flatMap { $0.series.flatMap { $0.points.map(\.x) } }, fixed: xRange)
        let top = 48.0, bottom = 56.0
        // The legend lists each series name once (the panels share models and colours).
        var seen = Set<String>()
        let legendSeries = panels.flatMap(\.series).filter { $0.inLegend && seen.insert($0.name).inserted }
        let legendWidth = probe.legendWidth(legendSeries.map(\.name))
        let width = Chart.left + plotWidth + 24 + legendWidth + 12
        let height = top + panels.reduce(0) { $0 + $1.plotHeight } + Double(max(panels.count - 1, 0)) * Self.gap + bottom
        var b = SVGBuilder()
        Chart.header(&b, width: width, height: height, title: title, titleX: Chart.left + plotWidth / 2)
        var y = top
        for (i, panel) in panels.enumerated() {
            b.open("g", [("class", "panel"), ("data-panel", String(i))])
            panel.drawPanel(&b, top: y, xt: xt)
            b.close("g")
            y += panel.plotHeight + Self.gap
        }
        b.element("text", [("class", "x-label"), ("x", SVGBuilder.number(Chart.left + plotWidth / 2)),
                           ("y", SVGBuilder.number(height - 12)), ("text-anchor", "middle")], text: xLabel)
        Chart.legend(&b, series: legendSeries, x: Chart.left + plotWidth + 24, top: top, width: legendWidth)
        b.close("svg")
        return b.text
    }
}
