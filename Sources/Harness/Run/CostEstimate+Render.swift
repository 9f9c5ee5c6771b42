import Foundation

extension CostEstimate {
    /// The plan as printed by `repro run --plan`: one row per model, the total, and what a
    /// split over machines would take.
    public func render(suite: String, throughputNote: String? = nil) -> String {
        var lines: [String] = []
        let scope = shard.map { "shard \($0.index)/\($0.count): \(listed) images" } ?? "\(listed) images"
        lines.append("plan for \(suite), accuracy mode, \(scope), batch \(batch), \(threads) thread\(threads == 1 ? "" : "s") "
                     + "(times from a timed calibration on this machine; nothing was written)")
        lines.append("")
        lines.append("| model | images to run | already recorded | GFLOPs / image | total TFLOPs | calibrated rate | estimated time |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        var flops = 0.0
        for r in rows {
            let total = Double(r.flopsPerImage) * Double(r.images)
            flops += total
            let rate = r.calibration.map { String(format: "%.1f img/s", 1 / max($0.secondsPerImage, 1e-12)) } ?? "–"
            lines.append("| \(r.model) | \(r.images) | \(r.recorded) | \(String(format: "%.3f", Double(r.flopsPerImage) / 1e9)) | "
                         + "\(String(format: "%.3f", total / 1e12)) | \(rate) | \(Self.duration(r.estimatedSeconds)) |")
        }
        lines.append("| **total** | \(rows.reduce(0) { $0 + $1.images }) | \(rows.reduce(0) { $0 + $1.recorded }) | | "
                     + "\(String(format: "%.3f", flops / 1e12)) | | **\(Self.duration(totalSeconds))** |")
        lines.append("")
        if let shard {
            lines.append("This is shard \(shard.index) of \(shard.count) on a machine like this one; the \(shard.count) shards "
                         + "together are about \(Self.duration(totalSeconds * Double(shard.count))) of machine time, and take "
                         + "about \(Self.duration(totalSeconds)) of wall time when each has its own machine.")
        } else if totalSeconds > 0 {
            let splits = [4, 16].map { "\($0) machines: about \(Self.duration(totalSeconds / Double($0))) each" }
            lines.append("Split with --shard i/n over n machines like this one (then `repro merge`): "
                         + splits.joined(separator: "; ") + " (plus the merge).")
        }
        if let throughputNote { lines.append(throughputNote) }
        return lines.joined(separator: "\n")
    }

    /// "45 s", "12 min 30 s", "3 h 05 min".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return seconds > 0 && seconds < 1 ? String(format: "%.1f s", seconds) : "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(String(format: "%02d", s % 60)) s" }
        return "\(s / 3600) h \(String(format: "%02d", s / 60 % 60)) min"
    }
}
