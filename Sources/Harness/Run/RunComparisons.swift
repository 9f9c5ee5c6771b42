import Domain
import Foundation
import Reporting
import RunStore

/// Which suite rows are compared with which on the same images, and at which η: each row with
/// its baseline (Table 2, the matched-accuracy section, the claims), each ablation variant with
/// the row it varies (the ablation tables). The runner records the paired statistics in the
/// store; the report reads them back (and computes any the store lacks, with the same seed, so
/// the bytes do not depend on which path supplied them).
enum RunComparisons {
    struct Pair {
        var model: SuiteModel
        var reference: String
        var relation: ComparisonRelation
    }

    static func pairs(_ suite: Suite) -> [Pair] {
        var out: [Pair] = []
        for m in suite.models {
            if let b = m.baseline { out.append(Pair(model: m, reference: b, relation: .baseline)) }
            if let f = m.from, f != m.baseline { out.append(Pair(model: m, reference: f, relation: .variant)) }
        }
        return out
    }

    /// The η values a row is reported at anywhere: its Table 2 η, the η of every ablation table
    /// row naming it, its claims' η and its matched-accuracy η. A single-stage row: one point.
    static func etas(for m: SuiteModel, twoStage: Bool, suite: Suite, matched: [Double]) -> [Double] {
        guard twoStage else { return [1.0] }
        var etas = m.eta ?? suite.eta
        for spec in suite.tables ?? [] {
            for row in spec.rows where row.model == m.name { etas.append(row.eta ?? spec.eta ?? 1.0) }
        }
        etas += (suite.claims ?? []).filter { $0.model == m.name }.compactMap(\.eta)
        etas += matched
        return Array(Set(etas)).sorted()
    }

    /// The matched-accuracy η of `model` against its baseline (both criteria), from their
    /// stored sweeps; empty when either has no complete accuracy run or none matches.
    static func matchedEtas(_ m: SuiteModel, suite: Suite, store: RunStore) throws -> [Double] {
        guard let baseline = m.baseline else { return [] }
        let builder = ReportBuilder(suite: suite, store: store, storePath: store.path)
        guard let run = try builder.latestRun(m.name, mode: .accuracy), run.stageCount > 1,
              let ref = try builder.latestRun(baseline, mode: .accuracy),
              let bp = try store.sweepPoints(of: ref.id).last else { return [] }
        let curve = try store.sweepPoints(of: run.id).map {
            MatchedAccuracy.Point(eta: $0.eta, correct: $0.top1Correct, images: $0.imageCount)
        }
        return Array(Set(MatchedAccuracy.Criterion.allCases.compactMap {
            MatchedAccuracy.smallestEta(curve, baselineCorrect: bp.top1Correct, baselineImages: bp.imageCount, criterion: $0)
        })).sorted()
    }

    /// Records every pair whose rows both have a complete accuracy run (the latest ones).
    static func record(suite: Suite, store: RunStore) throws {
        let builder = ReportBuilder(suite: suite, store: store, storePath: store.path)
        for pair in pairs(suite) {
            guard let run = try builder.latestRun(pair.model.name, mode: .accuracy),
                  let ref = try builder.latestRun(pair.reference, mode: .accuracy),
                  run.datasetID == ref.datasetID else { continue }
            let matched = pair.relation == .baseline ? try matchedEtas(pair.model, suite: suite, store: store) : []
            let etas = Self.etas(for: pair.model, twoStage: run.stageCount > 1, suite: suite, matched: matched)
            try store.recordComparison(run.id, reference: ref.id, relation: pair.relation, etas: etas)
        }
    }

    /// The paired statistics a report shows for `run` against `ref`: the stored ones, and any
    /// needed η the store lacks computed from the stored outputs (a store written by an older
    /// build, or a merged one).
    static func stats(_ pair: Pair, run: RunRecord, ref: RunRecord, suite: Suite, store: RunStore) throws -> [PairedPoint] {
        guard run.datasetID == ref.datasetID else { return [] }
        let stored = try store.pairedStats(of: run.id, reference: ref.id)
        let matched = pair.relation == .baseline ? try matchedEtas(pair.model, suite: suite, store: store) : []
        let needed = etas(for: pair.model, twoStage: run.stageCount > 1, suite: suite, matched: matched)
        let missing = needed.filter { eta in !stored.contains { abs($0.eta - eta) <= 1e-9 } }
        let computed = missing.isEmpty ? [] : try store.computePairedStats(run.id, reference: ref.id, etas: missing)
        return (stored + computed).sorted { $0.eta < $1.eta }
    }
}
