import Domain
import Foundation
import PNGFile

/// How an overlay is drawn. Blends use integer arithmetic: out = (p·(256−a) + c·a + 128) >> 8.
public struct OverlayStyle: Equatable, Sendable {
    /// Unselected cells are blended towards `dimColor` by `dimAlpha`/256 (CF-ViT Fig. 9 greys them).
    public var dimColor: RGB = RGB(128, 128, 128)
    public var dimAlpha: Int = 192
    /// Grid lines (1 px, on each cell's first row / column) blended by `gridAlpha`/256.
    public var drawGrid = true
    public var gridColor: RGB = .white
    public var gridAlpha: Int = 112
    /// LF-ViT window outline, drawn opaque inside the window's edge.
    public var windowColor: RGB = RGB(230, 25, 25)
    public var windowThickness = 2

    public init() {}
}

/// Draws CF-ViT Fig. 9 / LF-ViT Fig. 1 style overlays on an RGB image.
public enum RegionOverlay {
    /// Left edge of cell column `c` of `side` cells over `extent` pixels (floor(c·extent/side)),
    /// so cells tile the image exactly whatever its size.
    public static func edge(_ c: Int, side: Int, extent: Int) -> Int { c * extent / side }

    /// The image with the cells stage 2 did not refine dimmed, the grid drawn and LF-ViT's
    /// window outlined. Pixels inside a selected cell (off the grid lines) are unchanged.
    public static func render(_ image: RGBImage, selection: RegionSelection,
                              style: OverlayStyle = OverlayStyle()) throws -> RGBImage {
        try draw(image, gridSide: selection.gridSide, cells: selection.cells, window: selection.window, style: style)
    }

    /// Only the coarse grid (an image decided at stage 1: nothing was refined).
    public static func render(_ image: RGBImage, gridSide: Int, style: OverlayStyle = OverlayStyle()) throws -> RGBImage {
        try draw(image, gridSide: gridSide, cells: nil, window: nil, style: style)
    }

    private static func draw(_ image: RGBImage, gridSide g: Int, cells: [Int]?, window: RegionSelection.Window?,
                             style: OverlayStyle) throws -> RGBImage {
        guard g >= 1, g <= image.width, g <= image.height else {
            throw ReportError.invalidImage("grid \(g)×\(g) does not fit a \(image.width)×\(image.height) image")
        }
        if let cells, let bad = cells.first(where: { !(0..<(g * g)).contains($0) }) {
            throw ReportError.invalidImage("cell \(bad) is outside the \(g)×\(g) grid (0…\(g * g - 1))")
        }
        if let w = window {
            guard w.size >= 1, w.row >= 0, w.column >= 0, w.row + w.size <= g, w.column + w.size <= g else {
                throw ReportError.invalidImage("window at (\(w.row), \(w.column)) of side \(w.size) is outside the \(g)×\(g) grid")
            }
        }
        for a in [style.dimAlpha, style.gridAlpha] where !(0...256).contains(a) {
            throw ReportError.invalidImage("blend alpha \(a) is outside 0…256")
        }
        var out = image
        let W = image.width, H = image.height
        func blend(_ x: Int, _ y: Int, _ c: RGB, _ a: Int) {
            let i = (y * W + x) * 3
            out.pixels.withUnsafeMutableBufferPointer { p in
                p[i] = UInt8((Int(p[i]) * (256 - a) + Int(c.r) * a + 128) >> 8)
                p[i + 1] = UInt8((Int(p[i + 1]) * (256 - a) + Int(c.g) * a + 128) >> 8)
                p[i + 2] = UInt8((Int(p[i + 2]) * (256 - a) + Int(c.b) * a + 128) >> 8)
            }
        }
        if let cells {
            let selected = Set(cells)
            for cell in 0..<(g * g) where !selected.contains(cell) {
                let r = cell / g, c = cell % g
                for y in edge(r, side: g, extent: H)..<edge(r + 1, side: g, extent: H) {
                    for x in edge(c, side: g, extent: W)..<edge(c + 1, side: g, extent: W) {
                        blend(x, y, style.dimColor, style.dimAlpha)
                    }
                }
            }
        }
        if style.drawGrid && g > 1 {
            // Each pixel on a line is blended once, crossings included.
            let columns = Set((1..<g).map { edge($0, side: g, extent: W) })
            let rows = Set((1..<g).map { edge($0, side: g, extent: H) })
            for y in 0..<H {
                let onRow = rows.contains(y)
                for x in 0..<W where onRow || columns.contains(x) {
                    blend(x, y, style.gridColor, style.gridAlpha)
                }
            }
        }
        if let w = window {
            let x0 = edge(w.column, side: g, extent: W), x1 = edge(w.column + w.size, side: g, extent: W)
            let y0 = edge(w.row, side: g, extent: H), y1 = edge(w.row + w.size, side: g, extent: H)
            let t = max(1, min(style.windowThickness, (x1 - x0) / 2, (y1 - y0) / 2))
            for y in y0..<y1 {
                for x in x0..<x1 where y < y0 + t || y >= y1 - t || x < x0 + t || x >= x1 - t {
                    out.set(x: x, y: y, style.windowColor)
                }
            }
        }
        return out
    }

    /// Images side by side, top-aligned, `gap` pixels of `background` between and around them
    /// (no captions: the Markdown around the PNG says what each panel is).
    public static func strip(_ images: [RGBImage], gap: Int = 8, background: RGB = .white) throws -> RGBImage {
        guard !images.isEmpty else { throw ReportError.invalidImage("a strip needs at least one image") }
        guard gap >= 0 else { throw ReportError.invalidImage("gap \(gap) is negative") }
        let width = images.reduce(gap) { $0 + $1.width + gap }
        let height = (images.map(\.height).max() ?? 0) + 2 * gap
        var out = RGBImage(width: width, height: height, fill: background)
        var x0 = gap
        for image in images {
            for y in 0..<image.height {
                let src = y * image.width * 3
                let dst = ((gap + y) * width + x0) * 3
                out.pixels.replaceSubrange(dst..<(dst + image.width * 3), with: image.pixels[src..<(src + image.width * 3)])
            }
            x0 += image.width + gap
        }
        return out
    }
}
