import Foundation

/// One point of a curve a checkpoint file carries (the official evaluation writes its η sweep
/// and each stage's accuracy into the .pth it evaluated). Stored so that a report drawn from
/// the store alone can overlay it, labelled as the checkpoint's own numbers.
public struct CheckpointCurvePoint: Equatable, Sendable {
    public enum Curve: String, Sendable {
        /// `budgeted_batch_classification`: [flops_list, acc_list], one entry per η = p/100.
        case budgeted = "budgeted_batch_classification"
        /// `anytime_classification`: each stage's top-1 with early exit off.
        case anytime = "anytime_classification"
    }

    public var curve: Curve
    /// Index in the checkpoint's list (the η index p, or the 0-based stage).
    public var point: Int
    public var eta: Double?
    public var gflops: Double?
    /// A fraction in [0, 1] (the checkpoint stores percentages; the reader divides by 100).
    public var top1: Double

    public init(curve: Curve, point: Int, eta: Double?, gflops: Double?, top1: Double) {
        self.curve = curve
        self.point = point
        self.eta = eta
        self.gflops = gflops
        self.top1 = top1
    }
}

extension RunStore {
    /// Replaces the checkpoint curves stored for `run` with `points`.
    public func recordCheckpointCurves(_ points: [CheckpointCurvePoint], for run: RunID) throws {
        try requireWritable()
        try database.transaction {
            try database.run("DELETE FROM checkpoint_curves WHERE run_id = ?", [.integer(run.rawValue)])
            let insert = try database.prepare(SQLText.insert("INSERT", into: "checkpoint_curves", [
                "run_id", "curve", "point", "eta", "gflops", "top1"]))
            for p in points {
                try insert.bind([
                    "run_id": .integer(run.rawValue), "curve": .text(p.curve.rawValue), "point": .integer(Int64(p.point)),
                    "eta": p.eta.map { .real($0) } ?? .null, "gflops": p.gflops.map { .real($0) } ?? .null,
                    "top1": .real(p.top1)])
                try insert.run()
            }
        }
    }

    /// The checkpoint curves of `run`, by curve and point.
    public func checkpointCurves(of run: RunID) throws -> [CheckpointCurvePoint] {
        try database.query("""
            SELECT curve, point, eta, gflops, top1 FROM checkpoint_curves WHERE run_id = ? ORDER BY curve, point
            """, [.integer(run.rawValue)]) { row in
            guard let curve = CheckpointCurvePoint.Curve(rawValue: row.string("curve")) else {
                throw StoreError.corrupt(path: path, detail: "checkpoint_curves.curve of run \(run.rawValue) is '\(row.string("curve"))'")
            }
            return CheckpointCurvePoint(curve: curve, point: row.int("point"), eta: row.optionalDouble("eta"),
                                        gflops: row.optionalDouble("gflops"), top1: row.double("top1"))
        }
    }
}
