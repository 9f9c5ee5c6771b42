import Common
import Foundation

/// The baseline file's text, written by hand rather than by JSONEncoder: fixed key order,
/// one curve point and one image per line (so that `git diff` of an updated baseline shows
/// which images moved), numbers in Swift's shortest round-trip form. A float32 confidence is
/// written as the Double of the same value, so that reading it back gives the identical float.
extension CheckBaseline {
    public func jsonText() -> String {
        var out = "{\n"
        out += "  \"format\": \(format),\n"
        out += "  \"suite\": \(JSONText.string(suite)),\n"
        out += "  \"source\": {\"git_rev\": \(JSONText.string(source.gitRevision)), \"date\": \(JSONText.string(source.date)), "
            + "\"host\": \(JSONText.string(source.host)), \"dataset_path\": \(JSONText.string(source.datasetPath))},\n"
        out += "  \"etas\": [" + etas.map(JSONText.number).joined(separator: ", ") + "],\n"
        if let t = tolerances {
            out += "  \"tolerances\": {\"epsilon\": \(JSONText.number(t.epsilon)), \"confidence\": \(JSONText.number(t.confidence)), "
                + "\"curve_top1\": \(JSONText.number(t.curveTop1)), \"curve_exit_share\": \(JSONText.number(t.curveExitShare)), "
                + "\"curve_gflops\": \(JSONText.number(t.curveGFLOPs))},\n"
        }
        out += "  \"models\": ["
        for (i, m) in models.enumerated() {
            out += (i == 0 ? "\n" : ",\n") + "    {\n"
            out += "      \"name\": \(JSONText.string(m.name)),\n"
            out += "      \"stage_flops\": [" + m.stageFLOPs.map(String.init).joined(separator: ", ") + "],\n"
            out += "      \"curve\": [\n"
            out += m.curve.map { p in
                "        {\"eta\": \(p.eta.map(JSONText.number) ?? "null"), \"images\": \(p.images), "
                    + "\"top1_correct\": \(p.top1Correct), \"stage1_exits\": \(p.stage1Exits), \"gflops\": \(JSONText.number(p.gflops))}"
            }.joined(separator: ",\n")
            out += (m.curve.isEmpty ? "" : "\n") + "      ],\n"
            out += "      \"images\": [\n"
            out += m.images.map { image in
                "        {\"id\": \(JSONText.string(image.id)), \"label\": \(image.label.map(String.init) ?? "null"), "
                    + "\"classes\": [" + image.stages.map { String($0.predicted) }.joined(separator: ", ") + "], "
                    + "\"confidences\": [" + image.stages.map { JSONText.number(Double($0.confidence)) }.joined(separator: ", ") + "], "
                    + "\"margins\": [" + image.stages.map { JSONText.number(Double($0.margin)) }.joined(separator: ", ") + "]}"
            }.joined(separator: ",\n")
            out += (m.images.isEmpty ? "" : "\n") + "      ]\n"
            out += "    }"
        }
        out += (models.isEmpty ? "]\n" : "\n  ]\n")
        return out + "}\n"
    }
}

enum JSONText {
    /// Shortest round-trip form ("0.5", "4.022324736", "1e-06"); integers without ".0".
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    static func string(_ s: String) -> String { jsonQuoted(s) }
}
