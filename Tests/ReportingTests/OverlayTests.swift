import Domain
import Foundation
import PNGFile
import Testing
@testable import Reporting

/// A 224×224 test image whose every pixel is distinct enough to tell moved or blended pixels apart.
private func pattern(width: Int = 224, height: Int = 224) throws -> RGBImage {
    var p = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 3
            p[i] = UInt8(x % 256)
            p[i + 1] = UInt8(y % 256)
            p[i + 2] = UInt8((x * 7 + y * 13) % 256)
        }
    }
    return try RGBImage(width: width, height: height, pixels: p)
}

/// The blend OverlayStyle documents: (p·(256−a) + c·a + 128) >> 8 per channel.
private func blend(_ p: RGB, _ c: RGB, _ a: Int) -> RGB {
    func ch(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Int(x) * (256 - a) + Int(y) * a + 128) / 256) }
    return RGB(ch(p.r, c.r), ch(p.g, c.g), ch(p.b, c.b))
}

@Suite("PNG overlays")
struct OverlayTests {
    let style = OverlayStyle()

    @Test func cfvitSelectedCellsKeepTheirPixelsOthersAreDimmed() throws {
        let image = try pattern()
        // 7×7 grid on 224 px: cells are 32 px; cell 8 = row 1, column 1 = x, y in 32..<64.
        let out = try RegionOverlay.render(image, selection: RegionSelection(gridSide: 7, cells: [8, 0, 48]), style: style)
        // Selected cells, away from the grid lines (x or y = 32k), are untouched.
        for (x0, y0) in [(32, 32), (0, 0), (192, 192)] {
            for y in (y0 + 1)..<(y0 + 32) {
                for x in (x0 + 1)..<(x0 + 32) {
                    #expect(out.pixel(x: x, y: y) == image.pixel(x: x, y: y), "selected pixel (\(x), \(y))")
                }
            }
        }
        // Unselected cell 1 (row 0, column 1) and cell 47 (row 6, column 5): dimmed towards grey.
        for (x, y) in [(40, 10), (63, 31), (170, 200)] {
            #expect(out.pixel(x: x, y: y) == blend(image.pixel(x: x, y: y), style.dimColor, style.dimAlpha), "dimmed (\(x), \(y))")
            #expect(out.pixel(x: x, y: y) != image.pixel(x: x, y: y))
        }
        // Grid: column x = 32 inside selected cell 8 is only blended with the grid colour;
        // x = 32 inside unselected cell 1 is dimmed, then blended.
        #expect(out.pixel(x: 32, y: 40) == blend(image.pixel(x: 32, y: 40), style.gridColor, style.gridAlpha))
        let dimmed = blend(image.pixel(x: 32, y: 10), style.dimColor, style.dimAlpha)
        #expect(out.pixel(x: 32, y: 10) == blend(dimmed, style.gridColor, style.gridAlpha))
        // A crossing is blended once, not twice.
        #expect(out.pixel(x: 64, y: 64) == blend(blend(image.pixel(x: 64, y: 64), style.dimColor, style.dimAlpha),
                                                 style.gridColor, style.gridAlpha))
        // The outer border is not a grid line.
        #expect(out.pixel(x: 0, y: 5) == image.pixel(x: 0, y: 5))
    }

    @Test func lfvitWindowOutline() throws {
        let image = try pattern()
        // Window of side 5 at cell (1, 1): x, y in 32..<192; outline 2 px inside that edge.
        let region = RegionSelection(gridSide: 7, cells: [8, 9, 15, 16, 24], window: .init(row: 1, column: 1, size: 5))
        let out = try RegionOverlay.render(image, selection: region, style: style)
        let red = style.windowColor
        for (x, y) in [(32, 100), (33, 100), (191, 100), (190, 100), (100, 32), (100, 33), (100, 191), (100, 190),
                       (32, 32), (191, 191)] {
            #expect(out.pixel(x: x, y: y) == red, "outline at (\(x), \(y))")
        }
        for (x, y) in [(34, 100), (189, 100), (100, 34), (100, 189), (31, 100), (192, 100), (100, 100)] {
            #expect(out.pixel(x: x, y: y) != red, "no outline at (\(x), \(y))")
        }
        // Selected cell 9 (row 1, column 2: x 64..<96, y 32..<64) keeps its pixels below the outline.
        #expect(out.pixel(x: 80, y: 50) == image.pixel(x: 80, y: 50))
        // Cell 10 is inside the window but not selected: dimmed.
        #expect(out.pixel(x: 110, y: 50) == blend(image.pixel(x: 110, y: 50), style.dimColor, style.dimAlpha))
    }

    @Test func cellsTileImagesOfAnySize() throws {
        let image = try pattern(width: 50, height: 30)
        var s = OverlayStyle()
        s.drawGrid = false
        // Every cell unselected: every pixel dimmed exactly once.
        let out = try RegionOverlay.render(image, selection: RegionSelection(gridSide: 7, cells: []), style: s)
        for y in 0..<30 {
            for x in 0..<50 {
                #expect(out.pixel(x: x, y: y) == blend(image.pixel(x: x, y: y), s.dimColor, s.dimAlpha))
            }
        }
        // No selection (decided at stage 1) and no grid: the picture is unchanged.
        let plain = try RegionOverlay.render(image, gridSide: 7, style: s)
        #expect(plain == image)
        #expect(RegionOverlay.edge(7, side: 7, extent: 50) == 50)
        #expect((0...7).map { RegionOverlay.edge($0, side: 7, extent: 50) } == [0, 7, 14, 21, 28, 35, 42, 50])
    }

    @Test func badRegionsAreTypedErrors() throws {
        let image = try pattern(width: 28, height: 28)
        #expect(throws: ReportError.self) { try RegionOverlay.render(image, selection: RegionSelection(gridSide: 7, cells: [49])) }
        #expect(throws: ReportError.self) {
            try RegionOverlay.render(image, selection: RegionSelection(gridSide: 7, cells: [], window: .init(row: 3, column: 0, size: 5)))
        }
        #expect(throws: ReportError.self) { try RegionOverlay.render(image, gridSide: 0) }
    }

    /// A buffer that does not fit its size is refused when the image is made, and when it is
    /// written after `pixels` was replaced (nothing is written then).
    @Test func mismatchedPixelBuffersAreRefused() throws {
        #expect(throws: RGBImageError(width: 2, height: 2, bytes: 3)) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
        var image = RGBImage(width: 2, height: 2, fill: .white)
        image.pixels.removeLast()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-bad-\(getpid()).png").path
        #expect(throws: RGBImageError(width: 2, height: 2, bytes: 11)) { try image.writePNG(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func stripLaysImagesSideBySide() throws {
        let a = RGBImage(width: 3, height: 2, fill: RGB(10, 20, 30))
        let b = RGBImage(width: 2, height: 1, fill: RGB(200, 100, 50))
        let s = try RegionOverlay.strip([a, b], gap: 1, background: .white)
        #expect(s.width == 1 + 3 + 1 + 2 + 1 && s.height == 2 + 2)
        #expect(s.pixel(x: 0, y: 1) == .white)
        #expect(s.pixel(x: 1, y: 1) == RGB(10, 20, 30) && s.pixel(x: 3, y: 2) == RGB(10, 20, 30))
        #expect(s.pixel(x: 4, y: 1) == .white)
        #expect(s.pixel(x: 5, y: 1) == RGB(200, 100, 50) && s.pixel(x: 6, y: 1) == RGB(200, 100, 50))
        #expect(s.pixel(x: 5, y: 2) == .white)  // the shorter image is top-aligned
        #expect(throws: ReportError.self) { try RegionOverlay.strip([]) }
    }

    @Test func pngBytesAreDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-png-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try RegionOverlay.render(try pattern(), selection: RegionSelection(gridSide: 7, cells: [8, 9]))
        try out.writePNG(to: dir.appendingPathComponent("a.png").path)
        try out.writePNG(to: dir.appendingPathComponent("b.png").path)
        let a = try Data(contentsOf: dir.appendingPathComponent("a.png"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b.png"))
        #expect(a == b)
        // PNG signature, then IHDR: width 224, height 224, bit depth 8, colour type 2 (RGB).
        #expect(Array(a.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(a[12..<16]) == Array("IHDR".utf8))
        #expect(Array(a[16..<26]) == [0, 0, 0, 224, 0, 0, 0, 224, 8, 2])
    }
}
