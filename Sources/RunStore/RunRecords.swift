import Foundation

/// A run's row id in one store (ids are local: a merge gives new ids).
public struct RunID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { "run \(rawValue)" }
    public static func < (a: RunID, b: RunID) -> Bool { a.rawValue < b.rawValue }
}

/// A dataset's row id in one store.
public struct DatasetID: Hashable, Sendable {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
}

public enum RunMode: String, Sendable, CaseIterable {
    /// Both stages for every image, stored per image; the η sweep is computed afterwards.
    case accuracy
    /// Real batched early exit at the suite's η points, timed; only `throughput` rows.
    case throughput
}

public enum RunStatus: String, Sendable, CaseIterable {
    case running, complete, failed, interrupted
}

/// `--shard i/n`: the images whose position % n == i. A merged run that covers only some
/// shards keeps their indices ("0,2/4"); a run that covers every shard has no shard.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    public let indices: [Int]
    public let count: Int

    public init(index: Int, count: Int) {
        self.indices = [index]
        self.count = count
    }

    /// Nil unless 0 ≤ every index < count.
    public init?(indices: [Int], count: Int) {
        let sorted = Array(Set(indices)).sorted()
        guard count >= 1, !sorted.isEmpty, sorted.first! >= 0, sorted.last! < count else { return nil }
        self.indices = sorted
        self.count = count
    }

    /// Parses "i/n" or "i,j,…/n".
    public init?(_ text: String) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, let count = Int(halves[1]) else { return nil }
        var indices: [Int] = []
        for part in halves[0].split(separator: ",", omittingEmptySubsequences: false) {
            guard let i = Int(part) else { return nil }
            indices.append(i)
        }
        self.init(indices: indices, count: count)
    }

    public var isComplete: Bool { indices.count == count }

    public func contains(position: Int) -> Bool { indices.contains(position % count) }

    public var description: String {
        indices.map(String.init).joined(separator: ",") + "/\(count)"
    }
}

/// The image listing a run reads. `key` identifies the listing itself (e.g. a hash of the
/// sorted relative paths and the class list): equal keys ⇒ equal position → image mapping,
/// whatever the folder is called on a given machine; merges match datasets by key.
public struct DatasetInfo: Equatable, Sendable {
    public var key: String
    public var layout: String
    public var classListHash: String
    public var classCount: Int
    /// Images in the full sorted listing (before --limit and --shard).
    public var imageCount: Int

    public init(key: String, layout: String, classListHash: String, classCount: Int, imageCount: Int) {
        self.key = key
        self.layout = layout
        self.classListHash = classListHash
        self.classCount = classCount
        self.imageCount = imageCount
    }
}

/// What the runner states about a run when it creates it (provenance).
public struct RunProvenance: Equatable, Sendable {
    public var suite: String
    /// The suite row's name, e.g. "cf-vit-deit-s-7x7".
    public var modelName: String
    /// Ablation variant ("" for the main row).
    public var variant: String
    public var mode: RunMode
    /// Hex digest the runner computes from suite row + weights hash + preprocessing +
    /// code-relevant config; resume and merge match runs on (spec hash, model name, mode).
    public var specHash: String
    public var modelSpecJSON: String
    /// Cumulative FLOPs of stopping after each stage, e.g. [1101957888, 4022324736];
    /// its length is the number of stages.
    public var stageFLOPs: [Int64]
    public var gitRevision: String
    public var host: String
    public var threads: Int
    public var blasConfig: String
    public var weightsPath: String?
    public var weightsSHA256: String?
    public var preprocessingJSON: String
    /// Where this run read the dataset (the listing itself is identified by `DatasetInfo.key`).
    public var datasetPath: String
    public var shard: Shard?
    public var notes: String

    public init(suite: String, modelName: String, variant: String = "", mode: RunMode,
                specHash: String, modelSpecJSON: String, stageFLOPs: [Int64], gitRevision: String,
                host: String, threads: Int, blasConfig: String, weightsPath: String?,
                weightsSHA256: String?, preprocessingJSON: String, datasetPath: String,
                shard: Shard? = nil, notes: String = "") {
        self.suite = suite
        self.modelName = modelName
        self.variant = variant
        self.mode = mode
        self.specHash = specHash
        self.modelSpecJSON = modelSpecJSON
        self.stageFLOPs = stageFLOPs
        self.gitRevision = gitRevision
        self.host = host
        self.threads = threads
        self.blasConfig = blasConfig
        self.weightsPath = weightsPath
        self.weightsSHA256 = weightsSHA256
        self.preprocessingJSON = preprocessingJSON
        self.datasetPath = datasetPath
        self.shard = shard
        self.notes = notes
    }

    public var stageCount: Int { stageFLOPs.count }
}

/// A run as stored: its provenance, dataset, status and times.
public struct RunRecord: Equatable, Sendable {
    public var id: RunID
    public var provenance: RunProvenance
    public var datasetID: DatasetID
    public var dataset: DatasetInfo
    public var status: RunStatus
    public var startedUTC: Date
    public var finishedUTC: Date?

    public var stageCount: Int { provenance.stageCount }
}

/// Who worked on a run: one session per start or resume (merges carry the shards' sessions
/// over, with `source` naming the shard file and run).
public struct RunSession: Equatable, Sendable {
    public enum Kind: String, Sendable { case start, resume }

    public var run: RunID
    public var index: Int
    public var kind: Kind
    public var startedUTC: Date
    /// Nil while running, or when the process died (status then says "interrupted").
    public var endedUTC: Date?
    public var endStatus: RunStatus?
    public var host: String
    public var pid: Int
    public var threads: Int
    public var gitRevision: String
    public var blasConfig: String
    public var shard: Shard?
    public var source: String?

    public init(run: RunID, index: Int, kind: Kind, startedUTC: Date, endedUTC: Date?, endStatus: RunStatus?,
                host: String, pid: Int, threads: Int, gitRevision: String, blasConfig: String,
                shard: Shard?, source: String?) {
        self.run = run
        self.index = index
        self.kind = kind
        self.startedUTC = startedUTC
        self.endedUTC = endedUTC
        self.endStatus = endStatus
        self.host = host
        self.pid = pid
        self.threads = threads
        self.gitRevision = gitRevision
        self.blasConfig = blasConfig
        self.shard = shard
        self.source = source
    }
}

/// The machine-and-build facts of a session that resumes a run (its shard is the run's).
public struct SessionInfo: Equatable, Sendable {
    public var host: String
    public var pid: Int
    public var threads: Int
    public var gitRevision: String
    public var blasConfig: String

    public init(host: String, pid: Int = Int(getpid()), threads: Int, gitRevision: String,
                blasConfig: String) {
        self.host = host
        self.pid = pid
        self.threads = threads
        self.gitRevision = gitRevision
        self.blasConfig = blasConfig
    }
}

/// One timed throughput measurement (throughput mode).
public struct ThroughputMeasurement: Equatable, Sendable {
    /// Nil for single-stage models.
    public var eta: Double?
    public var batchSize: Int
    public var threads: Int
    public var warmupBatches: Int
    public var imagesTimed: Int
    public var seconds: Double
    /// What the timer covered, e.g. "model forward only (preprocessed tensors in memory)".
    public var timerCovers: String
    public var measuredUTC: Date

    public var imagesPerSecond: Double { seconds > 0 ? Double(imagesTimed) / seconds : 0 }

    public init(eta: Double?, batchSize: Int, threads: Int, warmupBatches: Int, imagesTimed: Int,
                seconds: Double, timerCovers: String, measuredUTC: Date) {
        self.eta = eta
        self.batchSize = batchSize
        self.threads = threads
        self.warmupBatches = warmupBatches
        self.imagesTimed = imagesTimed
        self.seconds = seconds
        self.timerCovers = timerCovers
        self.measuredUTC = measuredUTC
    }
}
