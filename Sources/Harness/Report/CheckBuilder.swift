import Foundation
import Reporting
import RunStore

/// The regression-check view of a suite's latest runs: per-image predictions and confidences,
/// stage FLOPs and the accuracy–FLOPs curve of every model.
public enum CheckBuilder {
    public static func current(suite: Suite, store: RunStore, storePath: String) throws -> CheckBaseline {
        let built = try ReportBuilder(suite: suite, store: store, storePath: storePath).build()
        var models: [CheckModel] = []
        for result in built.report.models {
            guard let run = built.runs[result.name] else { continue }
            var images: [CheckImage] = []
            try store.forEachResult(of: run.id) { r in
                let stages = r.stages.compactMap { StagePrediction(topClasses: $0.topClasses, topProbabilities: $0.topProbabilities) }
                images.append(CheckImage(id: r.image.relativePath, label: r.image.classIndex, stages: stages))
            }
            models.append(CheckModel(result, images: images))
        }
        let p = built.report.provenance
        return try CheckBaseline.build(
            suite: suite.name,
            source: CheckSource(gitRevision: p.gitRevision, date: UTCDate.iso8601(p.date), host: p.host,
                                datasetPath: p.datasetPath),
            models: models)
    }
}
