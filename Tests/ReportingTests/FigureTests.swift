import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reporting

/// Collects elements and their attributes from an SVG with Foundation's XMLParser.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    var error: Error?
    private var buffer = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        buffer = ""
    }

    // The parser hands text over in pieces (entities split it): join them per element.
    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let t = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { texts.append(t) }
        buffer = ""
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

    static func parse(_ svg: String) -> SVGCollector? {
        let c = SVGCollector()
        let p = XMLParser(data: Data(svg.utf8))
        p.delegate = c
        return p.parse() && c.error == nil ? c : nil
    }

    func series(kind: String? = nil) -> [(name: String, points: Int)] {
        elements.filter { $0.name == "g" && $0.attributes["class"] == "series" && (kind == nil || $0.attributes["data-kind"] == kind) }
            .map { ($0.attributes["data-series"] ?? "", Int($0.attributes["data-points"] ?? "") ?? -1) }
    }
}

@Suite("SVG figures")
struct FigureTests {
    /// The fixture with paired statistics at η 0.5 and a checkpoint curve on CF-ViT.
    static var richReport: SuiteReport {
        var r = Fixture.report
        let counts = PairedCounts(bothCorrect: 150, onlyModelCorrect: 11, onlyReferenceCorrect: 10, bothWrong: 29)
        r.models[1].paired = [PairedComparison(reference: "deit-s", relation: "baseline", points: [
            PairedPoint(eta: 0.5, counts: counts, mcnemarP: 1, low: -0.03, high: 0.04, resamples: 2000, seed: 7),
        ])]
        r.models[1].checkpointCurves = [CheckpointCurve(name: "budgeted_batch_classification", points: [
            CheckpointCurvePointResult(eta: 0, gflops: 1.0, top1: 75.0), CheckpointCurvePointResult(eta: 0.5, gflops: 2.0, top1: 79.0),
            CheckpointCurvePointResult(eta: 0.99, gflops: 3.6, top1: 80.5),
        ])]
        return r
    }

    @Test func accuracyChartSharesAFLOPsAxisFromZero() throws {
        let chart = SuiteFigures.accuracyVsFLOPsShare(Self.richReport)
        #expect(chart.xRange?.lowerBound == 0)
        #expect(chart.panels.count == 2)
        let top = chart.panels[0].series, delta = chart.panels[1].series
        // Measured FLOPs as % of DeiT-S's 4.0 G: 1.0, 2.0, 3.5 G → 25, 50, 87.5; the paper's as % of its 4.6 G.
        let cf = try #require(top.first { $0.name == "CF-ViT" })
        #expect(cf.points.map(\.x) == [25, 50, 87.5])
        let paper = try #require(top.first { $0.name == "CF-ViT — paper: CF-ViT Table 2" })
        #expect(paper.points.map(\.x) == [100 * 1.8 / 4.6, 100 * 4.0 / 4.6])
        #expect(top.first { $0.name == "DeiT-S" }?.points.map(\.x) == [100])
        #expect(top.first { $0.name == "DeiT-S — paper: CF-ViT Table 2" }?.points.map(\.x) == [100])
        // Δ panel: CF-ViT's top-1 minus DeiT-S's 80.00 %, the paper's minus its 79.8, a zero line.
        let cfDelta = try #require(delta.first { $0.name == "CF-ViT" })
        #expect(zip(cfDelta.points.map(\.y), [-7.0, 0.5, 1.0]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(cfDelta.errorBars.count == 1 && abs(cfDelta.errorBars[1]!.lowerBound + 3) < 1e-9)
        #expect(zip(try #require(delta.first { $0.name == "CF-ViT — paper: CF-ViT Table 2" }).points.map(\.y), [0.0, 1.0])
                    .allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(delta.contains { $0.kind == "reference" && $0.points.map(\.y) == [0, 0] && !$0.inLegend })
        // The checkpoint's own curve, named as such, in both panels.
        let name = "CF-ViT — from the checkpoint (budgeted_batch_classification)"
        #expect(top.first { $0.name == name }?.points.map(\.x) == [25, 50, 90])
        #expect(delta.contains { $0.name == name && $0.kind == "checkpoint" })
        // Nothing is drawn left of the plot (no negative FLOPs), and the SVG is well formed.
        let doc = try #require(SVGCollector.parse(chart.svg()), "the SVG does not parse as XML")
        #expect(doc.elements.filter { $0.name == "g" && $0.attributes["class"] == "panel" }.count == 2)
        for c in doc.elements where c.name == "circle" {
            #expect(Double(c.attributes["cx"]!)! >= 72)
        }
        #expect(doc.elements.filter { $0.name == "line" && $0.attributes["class"] == "error-bar" }.count == 1)
        // The fixture's ablation variant has no baseline (nor its main row): the Δ axis says "reference".
        for text in ["Top-1 accuracy (%)", "Δ top-1 vs reference (pp)", "η 0.50", "η 1.00", name] {
            #expect(doc.texts.contains(text), "missing text \(text)")
        }
    }

    /// The boxes of the drawn η labels (all six characters wide, "η 0.50").
    private static func labelBoxes(_ doc: SVGCollector) -> [LabelPlacer.Box] {
        var boxes: [LabelPlacer.Box] = []
        for e in doc.elements where e.name == "text" && e.attributes["class"] == "point-label" {
            let x = Double(e.attributes["x"] ?? "") ?? .nan
            let y = Double(e.attributes["y"] ?? "") ?? .nan
            boxes.append(LabelPlacer.box(text: "η 0.00", x: x, y: y))
        }
        return boxes
    }

    @Test func officialSweepPointsAreOverlaidAsTheirOwnSeries() throws {
        var r = Fixture.report
        for (eta, g, t) in [(0.0, 1.100, 75.484), (0.3, 1.411, 77.788), (0.63, 2.198, 80.408), (0.7, 2.408, 80.602), (0.99, 4.0, 80.78)] {
            r.paper.append(PaperNumber(model: "cf-vit", eta: eta, top1: t, gflops: g, source: "CF-ViT draw_picture.ipynb"))
        }
        let chart = SuiteFigures.accuracyVsFLOPsShare(r)
        let sweep = try #require(chart.panels[0].series.first { $0.name == "CF-ViT — official η sweep: CF-ViT draw_picture.ipynb" })
        #expect(sweep.kind == "paper" && sweep.marker == .triangle && sweep.points.count == 5)
        #expect(abs(sweep.points[0].x - 100 * 1.1 / 4.6) < 1e-9 && sweep.labels.isEmpty)
        #expect(chart.panels[0].series.contains { $0.name == "CF-ViT — paper: CF-ViT Table 2" })
    }

    @Test func pointLabelsNeverOverlap() throws {
        // 40 labelled points packed into a corner: some labels must be dropped, none may overlap.
        var points: [(x: Double, y: Double)] = []
        for i in 0..<40 {
            let x: Double = 10 + Double(i) * 0.2
            let y: Double = 50 + Double(i % 5) * 0.3
            points.append((x, y))
        }
        let labels = Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, "η 0." + String(format: "%02d", $0)) })
        let chart = Chart(title: "t", xLabel: "x", yLabel: "y",
                          series: [Chart.Series(name: "s", points: points, line: true, marker: .circle, color: 0,
                                                labels: labels, kind: "curve")],
                          xRange: 0...100, yRange: 0...100)
        let doc = try #require(SVGCollector.parse(chart.svg()))
        let boxes = Self.labelBoxes(doc)
        #expect(boxes.count > 3 && boxes.count < 40)
        for i in boxes.indices {
            for j in boxes.indices where j > i { #expect(!boxes[i].overlaps(boxes[j]), "labels \(i) and \(j) overlap") }
            #expect(boxes[i].x0 >= 72 && boxes[i].x1 <= 72 + 560)
        }
        // The real figure too.
        let real = try #require(SVGCollector.parse(SuiteFigures.accuracyVsFLOPsShare(Self.richReport).svg()))
        let placed = Self.labelBoxes(real)
        #expect(!placed.isEmpty)
        for i in placed.indices { for j in placed.indices where j > i { #expect(!placed[i].overlaps(placed[j])) } }
    }

    @Test func pointsLandWhereTheAxesSayTheyAre() throws {
        let chart = Chart(title: "t", xLabel: "x", yLabel: "y",
                          series: [Chart.Series(name: "s", points: [(0, 0), (10, 100)], line: false, marker: .circle,
                                                color: 0, kind: "curve")],
                          xRange: 0...10, yRange: 0...100)
        let doc = try #require(SVGCollector.parse(chart.svg()))
        let circles = doc.elements.filter { $0.name == "circle" }
        // Plot area: left 72, top 48, 560 × 380 → (0, 0) at (72, 428), (10, 100) at (632, 48).
        #expect(circles.prefix(2).map { [$0.attributes["cx"]!, $0.attributes["cy"]!] } == [["72", "428"], ["632", "48"]])
    }

    @Test func exitShareChart() throws {
        let doc = try #require(SVGCollector.parse(SuiteFigures.exitShareVsEta(Fixture.report).svg()))
        #expect(doc.series().map(\.name) == ["CF-ViT", "negative GCA"])
        #expect(doc.series().map(\.points) == [3, 1])
        let line = try #require(doc.elements.first { $0.name == "polyline" })
        // η 0 → 100 %, η 0.5 → 60 %, η 1 → 0 % on a 0…1 × 0…100 plot at (72, 48, 560, 380).
        #expect(line.attributes["points"] == "72,48 352,200 632,428")
    }

    @Test func textIsEscaped() throws {
        let chart = Chart(title: "a < b & \"c\"", xLabel: "x", yLabel: "y",
                          series: [Chart.Series(name: "<model>", points: [(1, 1)], line: false, marker: .square,
                                                color: 0, kind: "baseline")])
        let doc = try #require(SVGCollector.parse(chart.svg()))
        #expect(doc.texts.contains("a < b & \"c\""))
        #expect(doc.series().map(\.name) == ["<model>"])
    }

    @Test func sameInputSameBytes() {
        let a = SuiteFigures.accuracyVsFLOPsShare(Fixture.report).svg()
        let b = SuiteFigures.accuracyVsFLOPsShare(Fixture.report).svg()
        #expect(a == b)
        #expect(!a.contains("nan") && !a.contains("inf"))
    }
}
