import Foundation
import RunStore
import Tensor
import ViT

/// What every run of one model row shares: the plan, the row, the loaded model, the data, the
/// store, and how to state the run's provenance.
struct RunContext {
    let plan: SuitePlan
    let row: SuitePlan.ModelRow
    let model: LoadedModel
    let data: SuiteDataset
    let store: RunStore
    let datasetID: DatasetID
    let gitRevision: String

    /// The configuration that determines a run's outputs, hashed; `extra` adds mode-specific parts.
    func specHash(_ kind: String, _ extra: [String] = []) throws -> String {
        try SpecHash.hash([kind, SpecHash.canonicalJSON(row.spec), SpecHash.canonicalJSON(row.preprocessing),
                           model.weightsSHA256 ?? row.weights, data.info.key] + extra)
    }

    func provenance(mode: RunMode, specHash: String, shard: Shard? = nil, notes: String) throws -> RunProvenance {
        RunProvenance(
            suite: plan.suite.name, modelName: row.model.name, variant: row.model.from == nil ? "" : row.model.name,
            mode: mode, specHash: specHash, modelSpecJSON: try SpecHash.canonicalJSON(row.spec),
            stageFLOPs: model.flops.map(Int64.init), gitRevision: gitRevision, host: Provenance.hostName,
            threads: plan.options.compute.threads, blasConfig: plan.options.compute.summary, weightsPath: model.weightsPath,
            weightsSHA256: model.weightsSHA256, preprocessingJSON: try SpecHash.canonicalJSON(row.preprocessing),
            datasetPath: plan.dataPath, shard: shard, notes: notes)
    }
}

/// A run mode of one model row (accuracy, throughput): reads everything through its context.
protocol RowRun {
    var context: RunContext { get }
}

extension RowRun {
    var plan: SuitePlan { context.plan }
    var row: SuitePlan.ModelRow { context.row }
    var model: LoadedModel { context.model }
    var data: SuiteDataset { context.data }
    var store: RunStore { context.store }
}
