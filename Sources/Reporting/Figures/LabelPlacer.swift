import Foundation

/// Places short point labels (η values) beside their markers so that no two labels overlap,
/// none leaves the plot and none covers a marker. Each label tries a fixed list of positions
/// around its point, in order; a label that fits nowhere is dropped rather than drawn over
/// another (a figure labels a few points, not all). Deterministic: the same input gives the
/// same placement.
struct LabelPlacer {
    struct Box: Equatable {
        var x0, y0, x1, y1: Double

        func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    }

    /// Where a label's text goes: its start (text-anchor start) and baseline.
    struct Placement: Equatable {
        var x: Double
        var y: Double
        var box: Box
    }

    /// Font size 10 in DejaVu Sans: about 6 px per character, cap height ~8 px.
    static let charWidth = 6.0
    static let ascent = 8.0
    static let descent = 2.5

    let plot: Box
    private(set) var placed: [Box] = []
    private var markers: [Box] = []

    init(plot: Box, markers: [(x: Double, y: Double)], markerRadius: Double = 4.5) {
        self.plot = plot
        self.markers = markers.map { Box(x0: $0.x - markerRadius, y0: $0.y - markerRadius,
                                         x1: $0.x + markerRadius, y1: $0.y + markerRadius) }
    }

    static func box(text: String, x: Double, y: Double) -> Box {
        Box(x0: x, y0: y - ascent, x1: x + Double(text.count) * charWidth, y1: y + descent)
    }

    /// The position for `text` labelling the point (px, py), or nil when every candidate
    /// collides. Accepted labels block later ones.
    mutating func place(_ text: String, at px: Double, _ py: Double) -> Placement? {
        let w = Double(text.count) * Self.charWidth
        let candidates: [(Double, Double)] = [
            (px + 7, py - 7), (px + 7, py + 15), (px - 7 - w, py - 7), (px - 7 - w, py + 15),
            (px - w / 2, py - 11), (px - w / 2, py + 19), (px + 9, py + 4), (px - 9 - w, py + 4),
        ]
        for (x, y) in candidates {
            let b = Self.box(text: text, x: x, y: y)
            guard b.x0 >= plot.x0, b.x1 <= plot.x1, b.y0 >= plot.y0, b.y1 <= plot.y1 else { continue }
            if placed.contains(where: { $0.overlaps(b) }) || markers.contains(where: { $0.overlaps(b) }) { continue }
            placed.append(b)
            return Placement(x: x, y: y, box: b)
        }
        return nil
    }
}
