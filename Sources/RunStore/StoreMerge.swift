import Domain
import Foundation

/// What a merge did, for the command to print.
public struct MergeReport: Sendable {
    public struct MergedRun: Sendable {
        public var run: RunID
        public var suite: String
        public var modelName: String
        public var mode: RunMode
        public var specHash: String
        /// "A.sqlite run 3 (shard 0/2, complete)", one per contributing run.
        public var parts: [String]
        public var images: Int
        public var status: RunStatus
        /// Shards still missing (nil when the merged run covers every image position).
        public var shard: Shard?
    }

    public var runs: [MergedRun]
    public var warnings: [String]
}

/// Combines shard stores into this store. Runs with the same (spec hash, model name, mode)
/// become one run; images match by (dataset key, position); a row whose key already exists
/// must be identical, otherwise the merge stops, names the conflicting keys and writes
/// nothing (everything happens in one transaction). Merging is idempotent: merging the same
/// shard again changes nothing. Sweeps are recomputed from the merged outputs.
extension RunStore {
    public func merge(from sources: [String]) throws -> MergeReport {
        try requireWritable()
        var merger = Merger(target: self)
        var opened: [(label: String, store: RunStore, lock: StoreLock?)] = []
        defer { for o in opened { o.store.close(); o.lock?.release() } }
        for source in sources {
            let absolute = RunStore.absolutePath(source)
            if sameFile(absolute, path) {
                throw StoreError.mergeSource(path: source, reason: "it is the merge target itself")
            }
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw StoreError.mergeSource(path: source, reason: "no such file")
            }
            let lock: StoreLock?
            do {
                lock = try StoreLock.shared(storePath: absolute)
            } catch StoreError.locked(_, let holder) {
                throw StoreError.mergeSource(path: source, reason: "it is being written by \(holder); "
                                             + "merge it when that run has ended")
            }
            let store = try RunStore.open(at: absolute, access: .readOnly)
            opened.append((source, store, lock))
        }
        try database.transaction {
            for o in opened { try merger.add(o.store, label: o.label) }
            if !merger.conflicts.isEmpty {
                throw StoreError.mergeConflict(target: path, conflicts: Array(merger.conflicts.prefix(20)),
                                               total: merger.conflictCount)
            }
            try merger.finish()
        }
        writableRuns.removeAll()
        return MergeReport(runs: merger.report, warnings: merger.warnings)
    }

    private func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return a == b }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

/// The merge's working state: id maps, the parts of each target run, the conflicts found.
private struct Merger {
    struct Part {
        var label: String
        var status: RunStatus
        var shard: Shard?
        var started: Date
        var finished: Date?
        var gitRevision: String
    }

    let target: RunStore
    var db: SQLiteDatabase { target.database }
    var parts: [RunID: [Part]] = [:]
    var order: [RunID] = []
    var sweepEtas: [RunID: Set<Double>] = [:]
    var conflicts: [String] = []
    var conflictCount = 0
    var warnings: [String] = []
    var report: [MergeReport.MergedRun] = []

    init(target: RunStore) { self.target = target }

    mutating func conflict(_ text: String) {
        conflictCount += 1
        if conflicts.count < 50 { conflicts.append(text) }
    }

    mutating func add(_ source: RunStore, label: String) throws {
        var datasetMap: [DatasetID: DatasetID] = [:]
        for run in try source.runs() {
            let dataset: DatasetID
            if let mapped = datasetMap[run.datasetID] {
                dataset = mapped
            } else if let existing = try target.dataset(key: run.dataset.key) {
                if existing.info != run.dataset {
                    conflict("dataset \(run.dataset.key): \(label) has \(run.dataset), "
                             + "the merged store has \(existing.info)")
                    continue
                }
                dataset = existing.id
                datasetMap[run.datasetID] = dataset
                try copyImages(from: source, dataset: run.datasetID, into: dataset, label: label)
            } else {
                dataset = try target.registerDataset(run.dataset)
                datasetMap[run.datasetID] = dataset
                try copyImages(from: source, dataset: run.datasetID, into: dataset, label: label)
            }
            guard let targetRun = try targetRun(for: run, dataset: dataset, label: label) else { continue }
            let p = run.provenance
            parts[targetRun, default: []].append(Part(
                label: "\(label) run \(run.id.rawValue)", status: run.status == .running ? .interrupted : run.status,
                shard: p.shard, started: run.startedUTC, finished: run.finishedUTC, gitRevision: p.gitRevision))
            let etas = try source.database.query("SELECT eta FROM sweep_points WHERE run_id = ?",
                                                 [.integer(run.id.rawValue)]) { $0.double(0) }
            sweepEtas[targetRun, default: []].formUnion(etas)
            try copyRunRows(from: source, run: run.id, into: targetRun, label: label,
                            describe: "\(p.modelName) (spec \(p.specHash.prefix(12)))")
        }
    }

    /// The target run that `run` merges into, created if needed; nil after a conflict.
    private mutating func targetRun(for run: RunRecord, dataset: DatasetID, label: String) throws -> RunID? {
        let p = run.provenance
        let existing = try db.query("""
            SELECT run_id FROM runs WHERE spec_hash = ? AND model_name = ? AND mode = ?
            ORDER BY run_id LIMIT 1
            """, [.text(p.specHash), .text(p.modelName), .text(p.mode.rawValue)]) { RunID($0.int64(0)) }.first
        guard let id = existing else {
            var provenance = p
            provenance.shard = nil
            let id = try target.createRun(provenance, dataset: dataset, startedAt: run.startedUTC)
            // createRun opened a session for this process; the merged run's sessions are the
            // parts' own, copied below.
            try db.run("DELETE FROM run_sessions WHERE run_id = ?", [.integer(id.rawValue)])
            order.append(id)
            return id
        }
        guard let current = try target.run(id) else { return nil }
        if parts[id] == nil {
            // A run the target already had: it is one of the parts.
            order.append(id)
            parts[id] = [Part(label: "\(target.path) run \(id.rawValue) (before the merge)",
                              status: current.status, shard: current.provenance.shard,
                              started: current.startedUTC, finished: current.finishedUTC,
                              gitRevision: current.provenance.gitRevision)]
            let etas = try db.query("SELECT eta FROM sweep_points WHERE run_id = ?",
                                    [.integer(id.rawValue)]) { $0.double(0) }
            sweepEtas[id, default: []].formUnion(etas)
        }
        let q = current.provenance
        let fields: [(String, String, String)] = [
            ("suite", p.suite, q.suite), ("variant", p.variant, q.variant),
            ("model_spec_json", p.modelSpecJSON, q.modelSpecJSON),
            ("stage_flops_json", JSONIntegers.encode(p.stageFLOPs), JSONIntegers.encode(q.stageFLOPs)),
            ("weights_sha256", p.weightsSHA256 ?? "NULL", q.weightsSHA256 ?? "NULL"),
            ("preprocessing_json", p.preprocessingJSON, q.preprocessingJSON),
            ("dataset_key", run.dataset.key, current.dataset.key),
        ]
        var ok = true
        for (name, mine, theirs) in fields where mine != theirs {
            conflict("runs: \(p.modelName) (spec \(p.specHash.prefix(12))): \(name) is '\(mine)' in \(label) "
                     + "run \(run.id.rawValue) but '\(theirs)' in the merged run")
            ok = false
        }
        return ok ? id : nil
    }

    private mutating func copyImages(from source: RunStore, dataset: DatasetID, into target: DatasetID,
                                     label: String) throws {
        let columns = StoredColumns.images
        try copy(table: "images", columns: columns, keyCount: 2, from: source,
                 select: "SELECT \(columns.joined(separator: ", ")) FROM images WHERE dataset_id = ?",
                 bind: [.integer(dataset.rawValue)], replaceFirst: .integer(target.rawValue), label: label) {
            "dataset position \($0[1])"
        }
    }

    private mutating func copyRunRows(from source: RunStore, run: RunID, into target: RunID,
                                      label: String, describe: String) throws {
        let bind: [SQLiteValue] = [.integer(run.rawValue)]
        let dst = SQLiteValue.integer(target.rawValue)
        let outputs = StoredColumns.stageOutputs
        try copy(table: "stage_outputs", columns: outputs, keyCount: 3, from: source,
                 select: "SELECT \(outputs.joined(separator: ", ")) FROM stage_outputs WHERE run_id = ?",
                 bind: bind, replaceFirst: dst, label: label) {
            "\(describe), position \($0[1]), stage \($0[2])"
        }
        let selections = StoredColumns.selections
        try copy(table: "selections", columns: selections, keyCount: 2, from: source,
                 select: "SELECT \(selections.joined(separator: ", ")) FROM selections WHERE run_id = ?",
                 bind: bind, replaceFirst: dst, label: label) { "\(describe), position \($0[1])" }
        try copy(table: "run_skips", columns: ["run_id", "position"], keyCount: 2, from: source,
                 select: "SELECT run_id, position FROM run_skips WHERE run_id = ?",
                 bind: bind, replaceFirst: dst, label: label) { "\(describe), position \($0[1])" }

        // Throughput rows and sessions have no natural key: copy each unless an identical
        // one is already there.
        let throughput = StoredColumns.throughput
        try copyUnlessPresent(table: "throughput", columns: throughput, from: source,
                              select: "SELECT \(throughput.joined(separator: ", ")) FROM throughput "
                                + "WHERE run_id = ? ORDER BY measurement_id",
                              bind: bind, replaceFirst: dst, matchCount: throughput.count, extra: { _ in [] })
        let sessions = ["run_id", "kind", "started_utc", "ended_utc", "end_status", "host", "pid",
                        "threads", "git_revision", "blas_config", "shard", "source"]
        try copyUnlessPresent(table: "run_sessions", columns: sessions, from: source,
                              select: "SELECT run_id, kind, started_utc, ended_utc, end_status, host, pid, "
                                + "threads, git_revision, blas_config, shard, "
                                + "IFNULL(source, ? || ' run ' || run_id) FROM run_sessions "
                                + "WHERE run_id = ? ORDER BY session",
                              bind: [.text(label)] + bind, replaceFirst: dst,
                              matchCount: sessions.count - 1) { _ in
            [("session", "(SELECT IFNULL(MAX(session), 0) + 1 FROM run_sessions WHERE run_id = ?1)")]
        }
    }

    /// Copies rows keyed by their first `keyCount` columns; an existing row with the same
    /// key must be identical (else a conflict naming the key and the differing columns).
    private mutating func copy(table: String, columns: [String], keyCount: Int, from source: RunStore,
                               select: String, bind: [SQLiteValue], replaceFirst: SQLiteValue,
                               label: String, describe: ([SQLiteValue]) -> String) throws {
        let placeholders = columns.indices.map { _ in "?" }.joined(separator: ", ")
        let insert = try db.prepare("INSERT INTO \(table) (\(columns.joined(separator: ", "))) "
                                    + "VALUES (\(placeholders)) ON CONFLICT DO NOTHING")
        let keyWhere = columns.prefix(keyCount).map { "\($0) = ?" }.joined(separator: " AND ")
        let lookupSQL = "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE \(keyWhere)"
        let reader = try source.database.prepareUncached(select)
        defer { reader.reset() }
        try reader.bind(bind)
        while try reader.step() {
            var row = reader.row()
            row[0] = replaceFirst
            try insert.bind(row)
            try insert.run()
            if db.changes == 1 { continue }
            let existing = try db.query(lookupSQL, Array(row.prefix(keyCount))) { $0.row() }.first
            guard let existing, existing != row else { continue }
            let differing = columns.indices.filter { existing[$0] != row[$0] }.map {
                "\(columns[$0]) \(row[$0]) in \(label) vs \(existing[$0]) already merged"
            }
            conflict("\(table): \(describe(row)): " + differing.joined(separator: "; "))
        }
    }

    /// Copies rows that have no key, skipping any row whose first `matchCount` columns equal
    /// a row already present. `extra` adds computed columns (name, SQL expression).
    private mutating func copyUnlessPresent(table: String, columns: [String], from source: RunStore,
                                            select: String, bind: [SQLiteValue], replaceFirst: SQLiteValue,
                                            matchCount: Int,
                                            extra: ([SQLiteValue]) -> [(String, String)]) throws {
        let match = columns.prefix(matchCount).map { "\($0) IS ?" }.joined(separator: " AND ")
        let reader = try source.database.prepareUncached(select)
        defer { reader.reset() }
        try reader.bind(bind)
        while try reader.step() {
            var row = reader.row()
            row[0] = replaceFirst
            if try db.scalar("SELECT 1 FROM \(table) WHERE \(match)", Array(row.prefix(matchCount))) != nil {
                continue
            }
            let added = extra(row)
            let names = columns + added.map(\.0)
            let values = columns.indices.map { "?\($0 + 1)" } + added.map(\.1)
            try db.run("INSERT INTO \(table) (\(names.joined(separator: ", "))) "
                       + "VALUES (\(values.joined(separator: ", ")))", row)
        }
    }

    /// Sets each merged run's status, shard coverage and times, and recomputes its sweep.
    mutating func finish() throws {
        for id in order {
            guard let parts = parts[id], let run = try target.run(id) else { continue }
            let (status, shard) = try outcome(of: run)
            let started = parts.map(\.started).min() ?? run.startedUTC
            let finished: Date? = parts.allSatisfy({ $0.finished != nil })
                ? parts.compactMap(\.finished).max() : nil
            try db.run("""
                UPDATE runs SET status = ?, shard = ?, started_utc = ?, finished_utc = ? WHERE run_id = ?
                """, [.text(status.rawValue), shard.map { .text($0.description) } ?? .null,
                      .text(Timestamp.string(from: started)),
                      finished.map { .text(Timestamp.string(from: $0)) } ?? .null, .integer(id.rawValue)])
            let revisions = Set(parts.map(\.gitRevision))
            if revisions.count > 1 {
                warnings.append("\(run.provenance.modelName): the parts were run at different git revisions "
                                + "(\(revisions.sorted().joined(separator: ", "))); run_sessions keeps each one")
            }
            if run.provenance.mode == .accuracy {
                let etas = sweepEtas[id].map { $0.isEmpty ? Sweep.defaultEtas : Array($0) } ?? Sweep.defaultEtas
                let points = Sweep.evaluate(try target.sweepInput(of: id), etas: etas.sorted())
                try target.storeSweep(points, for: id)
            }
            let images = try db.scalar("SELECT COUNT(*) FROM stage_outputs WHERE run_id = ? AND stage = 1",
                                       [.integer(id.rawValue)])
            var imageCount = 0
            if case .integer(let n)? = images { imageCount = Int(n) }
            report.append(MergeReport.MergedRun(
                run: id, suite: run.provenance.suite, modelName: run.provenance.modelName,
                mode: run.provenance.mode, specHash: run.provenance.specHash,
                parts: parts.map { "\($0.label) (\($0.shard.map { "shard \($0), " } ?? "")\($0.status.rawValue))" },
                images: imageCount, status: status, shard: shard))
        }
    }

    /// Status and coverage of a merged run, from its sessions (each records the shard it
    /// worked on and how it ended). Per shard (or for the whole listing) the latest session
    /// counts. The run is complete when the complete shards cover every position; the
    /// shard column keeps the covered indices while some are missing.
    private func outcome(of run: RunRecord) throws -> (RunStatus, Shard?) {
        var latest: [String: RunSession] = [:]
        for s in try target.sessions(of: run.id) {
            let key = s.shard?.description ?? "all"
            if let seen = latest[key], (seen.startedUTC, seen.index) > (s.startedUTC, s.index) { continue }
            latest[key] = s
        }
        let groups = Array(latest.values)
        let counts = Set(groups.compactMap { $0.shard?.count })
        if counts.count > 1 {
            let list = groups.compactMap { s in s.shard.map { "\($0) (\(s.source ?? "this store"))" } }.sorted()
            throw StoreError.mergeConflict(target: target.path, conflicts: [
                "runs: \(run.provenance.modelName): shard counts differ: \(list.joined(separator: ", "))"],
                total: 1)
        }
        func coverage(_ sessions: [RunSession]) -> Shard?? {
            // .some(nil) = every position; nil = nothing.
            if sessions.isEmpty { return nil }
            if sessions.contains(where: { $0.shard == nil }) { return .some(nil) }
            let union = sessions.flatMap { $0.shard?.indices ?? [] }
            guard let count = counts.first, let s = Shard(indices: union, count: count) else { return nil }
            return .some(s.isComplete ? nil : s)
        }
        let all = coverage(groups) ?? run.provenance.shard
        let done = coverage(groups.filter { $0.endStatus == .complete })
        if case .some(.none) = done { return (.complete, nil) }
        if groups.contains(where: { $0.endStatus == .failed }) { return (.failed, all) }
        return (.interrupted, all)
    }
}
