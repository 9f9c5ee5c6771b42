import Foundation
import CSQLite

/// Run lifecycle: datasets, creating, resuming and finishing runs.
extension RunStore {
    /// Records a dataset listing (or finds it by key) and returns its id. The same key with
    /// different properties is an error: the key must identify one listing.
    public func registerDataset(_ info: DatasetInfo) throws -> DatasetID {
        try requireWritable()
        if let existing = try dataset(key: info.key) {
            if existing.info != info {
                throw StoreError.datasetMismatch(path: path, key: info.key,
                                                 detail: "stored \(existing.info), new \(info)")
            }
            return existing.id
        }
        try database.run(SQLText.insert("INSERT", into: "datasets", [
            "dataset_key", "layout", "class_list_hash", "class_count", "image_count"]), [
            "dataset_key": .text(info.key), "layout": .text(info.layout), "class_list_hash": .text(info.classListHash),
            "class_count": .integer(Int64(info.classCount)), "image_count": .integer(Int64(info.imageCount))])
        return DatasetID(database.lastInsertRowID)
    }

    public func dataset(key: String) throws -> (id: DatasetID, info: DatasetInfo)? {
        try database.query("""
            SELECT dataset_id, dataset_key, layout, class_list_hash, class_count, image_count
            FROM datasets WHERE dataset_key = ?
            """, [.text(key)]) { row in
            (DatasetID(row.int64("dataset_id")), DatasetInfo(key: row.string("dataset_key"), layout: row.string("layout"),
                                                  classListHash: row.string("class_list_hash"), classCount: row.int("class_count"),
                                                  imageCount: row.int("image_count")))
        }.first
    }

    /// Starts a new run (status "running", session 1) and returns its id.
    public func createRun(_ provenance: RunProvenance, dataset: DatasetID, startedAt: Date = Date(),
                          pid: Int = Int(getpid())) throws -> RunID {
        try requireWritable()
        try validate(provenance)
        return try database.transaction {
            try database.run("""
                INSERT INTO runs (suite, model_name, variant, mode, status, spec_hash, model_spec_json,
                    stage_count, stage_flops_json, git_revision, started_utc, finished_utc, host,
                    threads, blas_config, weights_path, weights_sha256, preprocessing_json,
                    dataset_id, dataset_path, shard, notes)
                VALUES (:suite, :model_name, :variant, :mode, 'running', :spec_hash, :model_spec_json,
                    :stage_count, :stage_flops_json, :git_revision, :started_utc, NULL, :host,
                    :threads, :blas_config, :weights_path, :weights_sha256, :preprocessing_json,
                    :dataset_id, :dataset_path, :shard, :notes)
                """, [
                    "suite": .text(provenance.suite), "model_name": .text(provenance.modelName),
                    "variant": .text(provenance.variant), "mode": .text(provenance.mode.rawValue),
                    "spec_hash": .text(provenance.specHash), "model_spec_json": .text(provenance.modelSpecJSON),
                    "stage_count": .integer(Int64(provenance.stageCount)),
                    "stage_flops_json": .text(JSONIntegers.encode(provenance.stageFLOPs)),
                    "git_revision": .text(provenance.gitRevision), "started_utc": .text(Timestamp.string(from: startedAt)),
                    "host": .text(provenance.host), "threads": .integer(Int64(provenance.threads)),
                    "blas_config": .text(provenance.blasConfig),
                    "weights_path": provenance.weightsPath.map { .text($0) } ?? .null,
                    "weights_sha256": provenance.weightsSHA256.map { .text($0) } ?? .null,
                    "preprocessing_json": .text(provenance.preprocessingJSON), "dataset_id": .integer(dataset.rawValue),
                    "dataset_path": .text(provenance.datasetPath),
                    "shard": provenance.shard.map { .text($0.description) } ?? .null, "notes": .text(provenance.notes)])
            let run = RunID(database.lastInsertRowID)
            let session = SessionInfo(host: provenance.host, pid: pid, threads: provenance.threads,
                                      gitRevision: provenance.gitRevision, blasConfig: provenance.blasConfig)
            try insertSession(run: run, kind: .start, info: session, shard: provenance.shard, at: startedAt)
            return run
        }
    }

    private func validate(_ p: RunProvenance) throws {
        func fail(_ detail: String) -> StoreError {
            StoreError.invalidRecord(path: path, detail: "run \(p.suite)/\(p.modelName): \(detail)")
        }
        if p.stageFLOPs.isEmpty { throw fail("stageFLOPs is empty; a model has at least one stage") }
        if p.specHash.isEmpty { throw fail("specHash is empty") }
        if p.threads < 0 { throw fail("threads is negative") }
        if let shard = p.shard, Shard(indices: shard.indices, count: shard.count) == nil {
            throw fail("shard \(shard) is out of range")
        }
    }

    /// A session records the shard its run covered, so that a merge can tell which image
    /// positions were finished by whom.
    private func insertSession(run: RunID, kind: RunSession.Kind, info: SessionInfo, shard: Shard?,
                               at date: Date) throws {
        try database.run("""
            INSERT INTO run_sessions (run_id, session, kind, started_utc, ended_utc, end_status, host,
                pid, threads, git_revision, blas_config, shard, source)
            VALUES (:run_id, (SELECT IFNULL(MAX(session), 0) + 1 FROM run_sessions WHERE run_id = :run_id),
                    :kind, :started_utc, NULL, NULL, :host, :pid, :threads, :git_revision, :blas_config, :shard, NULL)
            """, [
                "run_id": .integer(run.rawValue), "kind": .text(kind.rawValue),
                "started_utc": .text(Timestamp.string(from: date)), "host": .text(info.host),
                "pid": .integer(Int64(info.pid)), "threads": .integer(Int64(info.threads)),
                "git_revision": .text(info.gitRevision), "blas_config": .text(info.blasConfig),
                "shard": shard.map { .text($0.description) } ?? .null])
    }

    /// The most recent unfinished run (running, interrupted or failed) with this spec hash,
    /// model name, mode and shard — the one a re-run should resume — or nil.
    public func findResumableRun(specHash: String, modelName: String, mode: RunMode = .accuracy,
                                 shard: Shard? = nil) throws -> RunRecord? {
        let ids = try database.query("""
            SELECT run_id FROM runs
            WHERE spec_hash = ? AND model_name = ? AND mode = ? AND shard IS ?
              AND status IN ('running', 'interrupted', 'failed')
            ORDER BY run_id DESC LIMIT 1
            """, [.text(specHash), .text(modelName), .text(mode.rawValue),
                  shard.map { .text($0.description) } ?? .null]) { RunID($0.int64(0)) }
        return try ids.first.flatMap { try run($0) }
    }

    /// Positions already recorded for `run`: every stage written, or recorded as skipped.
    /// A resumed run writes only the others.
    public func recordedPositions(of run: RunID) throws -> Set<Int> {
        guard let record = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        var positions = Set<Int>()
        try database.forEachRow("""
            SELECT position FROM stage_outputs WHERE run_id = ?
            GROUP BY position HAVING COUNT(*) = ?
            UNION ALL SELECT position FROM run_skips WHERE run_id = ?
            """, [.integer(run.rawValue), .integer(Int64(record.stageCount)), .integer(run.rawValue)]) {
            positions.insert($0.int(0))
        }
        return positions
    }

    /// Marks `run` running again and opens a new session for it; `notes`, when given, replace
    /// the run's notes (which may still say how the previous session ended).
    public func resumeRun(_ run: RunID, session: SessionInfo, at date: Date = Date(), notes: String? = nil) throws {
        try requireWritable()
        guard let record = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        try database.transaction {
            try database.run("""
                UPDATE runs SET status = 'running', finished_utc = NULL, notes = IFNULL(?, notes) WHERE run_id = ?
                """, [notes.map { .text($0) } ?? .null, .integer(run.rawValue)])
            try insertSession(run: run, kind: .resume, info: session, shard: record.provenance.shard, at: date)
        }
        writableRuns[run] = nil
    }

    /// Ends `run` with `status` (complete, failed or interrupted); `notes`, when given,
    /// replace the run's notes.
    public func finishRun(_ run: RunID, status: RunStatus, at date: Date = Date(),
                          notes: String? = nil) throws {
        try requireWritable()
        guard try self.run(run) != nil else { throw StoreError.unknownRun(path: path, run: run) }
        let finished = Timestamp.string(from: date)
        try withReserveOnFullDisk { try database.transaction {
            try database.run("""
                UPDATE runs SET status = ?, finished_utc = ?, notes = IFNULL(?, notes) WHERE run_id = ?
                """, [.text(status.rawValue), status == .running ? .null : .text(finished),
                      notes.map { .text($0) } ?? .null, .integer(run.rawValue)])
            try database.run("""
                UPDATE run_sessions SET ended_utc = ?, end_status = ?
                WHERE run_id = ? AND session = (SELECT MAX(session) FROM run_sessions WHERE run_id = ?)
                """, [.text(finished), .text(status.rawValue), .integer(run.rawValue), .integer(run.rawValue)])
        } }
        writableRuns[run] = nil
    }

    /// Runs `body`; if the disk is full, frees the store's reserve and runs it once more, so
    /// that a run the disk filled can still say so.
    private func withReserveOnFullDisk(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as SQLiteError where error.primaryCode == SQLITE_FULL {
            guard reserve?.release() == true else { throw error }
            try body()
        }
    }

    /// Deletes a run and everything recorded for it (images of the dataset stay).
    public func deleteRun(_ run: RunID) throws {
        try requireWritable()
        try database.run("DELETE FROM runs WHERE run_id = ?", [.integer(run.rawValue)])
        writableRuns[run] = nil
    }

    /// Records one throughput measurement for `run`.
    public func recordThroughput(_ m: ThroughputMeasurement, for run: RunID) throws {
        try requireWritable()
        guard try self.run(run) != nil else { throw StoreError.unknownRun(path: path, run: run) }
        try database.run(SQLText.insert("INSERT", into: "throughput", StoredColumns.throughput), [
            "run_id": .integer(run.rawValue), "eta": m.eta.map { .real($0) } ?? .null,
            "batch_size": .integer(Int64(m.batchSize)), "threads": .integer(Int64(m.threads)),
            "warmup_batches": .integer(Int64(m.warmupBatches)), "images_timed": .integer(Int64(m.imagesTimed)),
            "seconds": .real(m.seconds), "images_per_second": .real(m.imagesPerSecond),
            "timer_covers": .text(m.timerCovers), "measured_utc": .text(Timestamp.string(from: m.measuredUTC))])
    }
}
