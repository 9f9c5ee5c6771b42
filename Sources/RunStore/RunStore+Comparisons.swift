import Domain
import Foundation

/// How two compared runs relate (the `comparisons.relation` column).
public enum ComparisonRelation: String, Sendable {
    /// A model row and the baseline row it is compared with in Table 2.
    case baseline
    /// An ablation variant and the row it varies.
    case variant
}

/// Paired statistics: two runs over the same dataset, compared image by image.
extension RunStore {
    /// Records that `run` is compared with `reference`, computes the paired statistics at
    /// `etas` and at every η already stored for the pair (as `computeSweep` does), stores them
    /// and returns all of them by ascending η. Both runs must have every stage written for the
    /// images they share; images only one of them has are left out.
    @discardableResult
    public func recordComparison(_ run: RunID, reference: RunID, relation: ComparisonRelation, etas: [Double],
                                 resamples: Int = PairedBootstrap.defaultResamples,
                                 seed: UInt64 = PairedBootstrap.defaultSeed, at date: Date = Date()) throws -> [PairedPoint] {
        try requireWritable()
        let stored = try database.query("SELECT eta FROM paired_stats WHERE run_id = ? AND reference_run_id = ?",
                                        [.integer(run.rawValue), .integer(reference.rawValue)]) { $0.double(0) }
        let stats = try computePairedStats(run, reference: reference, etas: Array(Set(stored + etas)).sorted(),
                                           resamples: resamples, seed: seed)
        try database.transaction {
            try database.run(SQLText.insert(into: "comparisons", ["run_id", "reference_run_id", "relation", "recorded_utc"]), [
                "run_id": .integer(run.rawValue), "reference_run_id": .integer(reference.rawValue),
                "relation": .text(relation.rawValue), "recorded_utc": .text(Timestamp.string(from: date))])
            try database.run("DELETE FROM paired_stats WHERE run_id = ? AND reference_run_id = ?",
                             [.integer(run.rawValue), .integer(reference.rawValue)])
            let insert = try database.prepare(SQLText.insert("INSERT", into: "paired_stats", [
                "run_id", "reference_run_id", "eta", "images", "both_correct", "only_run_correct",
                "only_reference_correct", "both_wrong", "top1_difference", "mcnemar_p", "bootstrap_low",
                "bootstrap_high", "bootstrap_resamples", "bootstrap_seed"]))
            for s in stats {
                let c = s.counts
                try insert.bind([
                    "run_id": .integer(run.rawValue), "reference_run_id": .integer(reference.rawValue),
                    "eta": .real(s.eta), "images": .integer(Int64(c.images)),
                    "both_correct": .integer(Int64(c.bothCorrect)), "only_run_correct": .integer(Int64(c.onlyModelCorrect)),
                    "only_reference_correct": .integer(Int64(c.onlyReferenceCorrect)),
                    "both_wrong": .integer(Int64(c.bothWrong)), "top1_difference": .real(c.difference),
                    "mcnemar_p": .real(s.mcnemarP), "bootstrap_low": .real(s.low), "bootstrap_high": .real(s.high),
                    "bootstrap_resamples": .integer(Int64(s.resamples)),
                    "bootstrap_seed": .integer(Int64(bitPattern: s.seed))])
                try insert.run()
            }
        }
        return stats
    }

    /// The paired statistics of `run` against `reference` at `etas` (ascending), computed from
    /// the stored outputs without storing anything; each η's bootstrap starts from `seed`, so a
    /// value computed here equals the one `recordComparison` stores.
    public func computePairedStats(_ run: RunID, reference: RunID, etas: [Double],
                                   resamples: Int = PairedBootstrap.defaultResamples,
                                   seed: UInt64 = PairedBootstrap.defaultSeed) throws -> [PairedPoint] {
        guard let a = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        guard let b = try self.run(reference) else { throw StoreError.unknownRun(path: path, run: reference) }
        guard a.datasetID == b.datasetID else {
            throw StoreError.invalidRecord(path: path, detail: "runs \(run.rawValue) and \(reference.rawValue) "
                                           + "evaluated different datasets; a paired comparison needs the same images")
        }
        return Self.pairedStats(try sweepInputWithPositions(of: run), try sweepInputWithPositions(of: reference),
                                etas: etas.sorted(), resamples: resamples, seed: seed)
    }

    /// The stored paired statistics of `run` against `reference`, by ascending η (empty when
    /// the pair was never recorded).
    public func pairedStats(of run: RunID, reference: RunID) throws -> [PairedPoint] {
        try database.query("""
            SELECT eta, both_correct, only_run_correct, only_reference_correct, both_wrong, mcnemar_p,
                   bootstrap_low, bootstrap_high, bootstrap_resamples, bootstrap_seed
            FROM paired_stats WHERE run_id = ? AND reference_run_id = ? ORDER BY eta
            """, [.integer(run.rawValue), .integer(reference.rawValue)]) { row in
            PairedPoint(eta: row.double("eta"),
                       counts: PairedCounts(bothCorrect: row.int("both_correct"), onlyModelCorrect: row.int("only_run_correct"),
                                            onlyReferenceCorrect: row.int("only_reference_correct"), bothWrong: row.int("both_wrong")),
                       mcnemarP: row.double("mcnemar_p"), low: row.double("bootstrap_low"), high: row.double("bootstrap_high"),
                       resamples: row.int("bootstrap_resamples"), seed: UInt64(bitPattern: row.int64("bootstrap_seed")))
        }
    }

    /// The statistics as a pure function of the two runs' stored outputs: at each η, each
    /// image's prediction is that of the stage it exits at (the sweep's exit rule); images are
    /// matched by position.
    static func pairedStats(_ a: (positions: [Int], input: SweepInput), _ b: (positions: [Int], input: SweepInput),
                            etas: [Double], resamples: Int, seed: UInt64) -> [PairedPoint] {
        // Both position lists ascend: merge them into index pairs of the shared images.
        var pairs: [(Int, Int)] = []
        var i = 0, j = 0
        while i < a.positions.count && j < b.positions.count {
            if a.positions[i] == b.positions[j] {
                pairs.append((i, j))
                i += 1
                j += 1
            } else if a.positions[i] < b.positions[j] {
                i += 1
            } else {
                j += 1
            }
        }
        func correct(_ input: SweepInput, _ image: Int, _ threshold: Float) -> Bool {
            let k = input.stageCount
            let s = ExitRule.exitStage(confidences: input.confidences[(image * k)..<(image * k + k)], threshold: threshold)
            return input.top1Correct[image * k + s]
        }
        return etas.map { eta in
            let threshold = ExitRule.threshold(eta)
            var model: [Bool] = [], reference: [Bool] = [], differences: [Int8] = []
            model.reserveCapacity(pairs.count)
            reference.reserveCapacity(pairs.count)
            differences.reserveCapacity(pairs.count)
            for (x, y) in pairs {
                let m = correct(a.input, x, threshold), r = correct(b.input, y, threshold)
                model.append(m)
                reference.append(r)
                differences.append(Int8(m ? 1 : 0) - Int8(r ? 1 : 0))
            }
            let counts = PairedCounts(model: model, reference: reference)
            let p = McNemar.exactPValue(onlyModelCorrect: counts.onlyModelCorrect,
                                        onlyReferenceCorrect: counts.onlyReferenceCorrect)
            let (lo, hi) = PairedBootstrap.interval(differences: differences, resamples: resamples, seed: seed)
            return PairedPoint(eta: eta, counts: counts, mcnemarP: p, low: lo, high: hi,
                              resamples: resamples, seed: seed)
        }
    }
}
