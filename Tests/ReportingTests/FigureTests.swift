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
    @Test func accuracyChartIsWellFormedAndHasEverySeries() throws {
        let svg = SuiteFigures.accuracyVsGFLOPs(Fixture.report).svg()
        let doc = try #require(SVGCollector.parse(svg), "the SVG does not parse as XML")
        #expect(doc.elements.first?.name == "svg")
        #expect(doc.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(doc.series(kind: "curve").map(\.name) == ["CF-ViT", "negative GCA"])
        #expect(doc.series(kind: "curve").map(\.points) == [3, 1])
        #expect(doc.series(kind: "baseline").map(\.name) == ["DeiT-S"])
        #expect(doc.series(kind: "paper").map(\.name) == ["DeiT-S — paper (ImageNet)", "CF-ViT — paper (ImageNet)"])
        #expect(doc.series(kind: "paper").map(\.points) == [1, 2])
        // Paper points are hollow diamonds: white fill, drawn as paths.
        let paperMarkers = doc.elements.filter { $0.name == "path" && $0.attributes["fill"] == "#ffffff" }
        #expect(paperMarkers.count == 3 + 2)  // 3 in the plot, 2 legend samples
        // The CF-ViT line passes through every sweep point, in η order.
        let line = try #require(doc.elements.first { $0.name == "polyline" })
        #expect(line.attributes["points"]?.split(separator: " ").count == 3)
        // Axis labels, title and legend texts are present; η labels mark the reported points.
        for text in ["GFLOPs per image (expected, fvcore convention)", "Top-1 accuracy (%)", "DeiT-S", "CF-ViT",
                     "η 0.50", "η 1.00"] {
            #expect(doc.texts.contains(text), "missing text \(text)")
        }
        #expect(doc.elements.contains { $0.name == "g" && $0.attributes["class"] == "grid" })
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
        let a = SuiteFigures.accuracyVsGFLOPs(Fixture.report).svg()
        let b = SuiteFigures.accuracyVsGFLOPs(Fixture.report).svg()
        #expect(a == b)
        #expect(!a.contains("nan") && !a.contains("inf"))
    }
}
