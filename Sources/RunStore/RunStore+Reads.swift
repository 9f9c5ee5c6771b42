import Domain
import Foundation

/// Read APIs for the runner and the report writer.
extension RunStore {
    private static let runColumns = """
        SELECT r.run_id, r.suite, r.model_name, r.variant, r.mode, r.status, r.spec_hash,
               r.model_spec_json, r.stage_flops_json, r.git_revision, r.started_utc, r.finished_utc,
               r.host, r.threads, r.blas_config, r.weights_path, r.weights_sha256,
               r.preprocessing_json, r.dataset_path, r.shard, r.notes,
               d.dataset_id, d.dataset_key, d.layout, d.class_list_hash, d.class_count, d.image_count
        FROM runs r JOIN datasets d ON d.dataset_id = r.dataset_id
        """

    private func decodeRun(_ row: SQLiteStatement) throws -> RunRecord {
        let id = RunID(row.int64(0))
        func bad(_ column: String, _ value: String) -> StoreError {
            StoreError.corrupt(path: path, detail: "runs.\(column) of run \(id.rawValue) is '\(value)'")
        }
        guard let mode = RunMode(rawValue: row.string(4)) else { throw bad("mode", row.string(4)) }
        guard let status = RunStatus(rawValue: row.string(5)) else { throw bad("status", row.string(5)) }
        guard let flops = JSONIntegers.decode(row.string(8)), !flops.isEmpty else {
            throw bad("stage_flops_json", row.string(8))
        }
        guard let started = Timestamp.date(from: row.string(10)) else { throw bad("started_utc", row.string(10)) }
        var finished: Date?
        if let text = row.optionalString(11) {
            guard let date = Timestamp.date(from: text) else { throw bad("finished_utc", text) }
            finished = date
        }
        var shard: Shard?
        if let text = row.optionalString(19) {
            guard let parsed = Shard(text) else { throw bad("shard", text) }
            shard = parsed
        }
        let provenance = RunProvenance(
            suite: row.string(1), modelName: row.string(2), variant: row.string(3), mode: mode,
            specHash: row.string(6), modelSpecJSON: row.string(7), stageFLOPs: flops,
            gitRevision: row.string(9), host: row.string(12), threads: row.int(13),
            blasConfig: row.string(14), weightsPath: row.optionalString(15),
            weightsSHA256: row.optionalString(16), preprocessingJSON: row.string(17),
            datasetPath: row.string(18), shard: shard, notes: row.string(20))
        let dataset = DatasetInfo(key: row.string(22), layout: row.string(23), classListHash: row.string(24),
                                  classCount: row.int(25), imageCount: row.int(26))
        return RunRecord(id: id, provenance: provenance, datasetID: DatasetID(row.int64(21)),
                         dataset: dataset, status: status, startedUTC: started, finishedUTC: finished)
    }

    /// A run's provenance, dataset and status; nil if there is no such run.
    public func run(_ id: RunID) throws -> RunRecord? {
        try database.query(Self.runColumns + " WHERE r.run_id = ?", [.integer(id.rawValue)]) {
            try decodeRun($0)
        }.first
    }

    /// All runs (of one suite when given), oldest first.
    public func runs(suite: String? = nil) throws -> [RunRecord] {
        if let suite {
            return try database.query(Self.runColumns + " WHERE r.suite = ? ORDER BY r.run_id",
                                      [.text(suite)]) { try decodeRun($0) }
        }
        return try database.query(Self.runColumns + " ORDER BY r.run_id") { try decodeRun($0) }
    }

    /// For each model of `suite`, its most recently finished complete run in `mode`
    /// (ordered by model name).
    public func latestCompleteRuns(suite: String, mode: RunMode = .accuracy) throws -> [RunRecord] {
        try database.query(Self.runColumns + """
             WHERE r.run_id IN (SELECT run_id FROM latest_complete_runs WHERE suite = ? AND mode = ?)
            ORDER BY r.model_name, r.variant
            """, [.text(suite), .text(mode.rawValue)]) { try decodeRun($0) }
    }

    /// The sessions that started or resumed `run`, in order.
    public func sessions(of run: RunID) throws -> [RunSession] {
        try database.query("""
            SELECT session, kind, started_utc, ended_utc, end_status, host, pid, threads,
                   git_revision, blas_config, shard, source
            FROM run_sessions WHERE run_id = ? ORDER BY session
            """, [.integer(run.rawValue)]) { row in
            func bad(_ column: String) -> StoreError {
                StoreError.corrupt(path: path, detail: "run_sessions.\(column) of run \(run.rawValue), "
                                   + "session \(row.int(0))")
            }
            guard let kind = RunSession.Kind(rawValue: row.string(1)) else { throw bad("kind") }
            guard let started = Timestamp.date(from: row.string(2)) else { throw bad("started_utc") }
            let ended = try row.optionalString(3).map { text -> Date in
                guard let d = Timestamp.date(from: text) else { throw bad("ended_utc") }
                return d
            }
            let endStatus = try row.optionalString(4).map { text -> RunStatus in
                guard let s = RunStatus(rawValue: text) else { throw bad("end_status") }
                return s
            }
            let shard = try row.optionalString(10).map { text -> Shard in
                guard let s = Shard(text) else { throw bad("shard") }
                return s
            }
            return RunSession(run: run, index: row.int(0), kind: kind, startedUTC: started,
                              endedUTC: ended, endStatus: endStatus, host: row.string(5), pid: row.int(6),
                              threads: row.int(7), gitRevision: row.string(8), blasConfig: row.string(9),
                              shard: shard, source: row.optionalString(11))
        }
    }

    /// The stored sweep of `run`, by ascending η.
    public func sweepPoints(of run: RunID) throws -> [SweepPoint] {
        try database.query("""
            SELECT eta, image_count, stage_exits_json, expected_gflops
            FROM sweep_points WHERE run_id = ? ORDER BY eta
            """, [.integer(run.rawValue)]) { row in
            let text = row.string(2)
            guard let rows = try? JSONDecoder().decode([[Int]].self, from: Data(text.utf8)),
                  !rows.isEmpty, rows.allSatisfy({ $0.count == 3 }) else {
                throw StoreError.corrupt(path: path, detail: "sweep_points.stage_exits_json of run "
                                         + "\(run.rawValue) at η \(row.double(0)) is '\(text)'")
            }
            let stages = rows.map { StageExit(exits: $0[0], top1Correct: $0[1], top5Correct: $0[2]) }
            return SweepPoint(eta: row.double(0), imageCount: row.int(1), stages: stages,
                              expectedGFLOPs: row.double(3))
        }
    }

    /// Throughput measurements of `run`, in the order they were taken.
    public func throughput(of run: RunID) throws -> [ThroughputMeasurement] {
        try database.query("""
            SELECT eta, batch_size, threads, warmup_batches, images_timed, seconds, timer_covers,
                   measured_utc
            FROM throughput WHERE run_id = ? ORDER BY measurement_id
            """, [.integer(run.rawValue)]) { row in
            guard let measured = Timestamp.date(from: row.string(7)) else {
                throw StoreError.corrupt(path: path, detail: "throughput.measured_utc of run "
                                         + "\(run.rawValue) is '\(row.string(7))'")
            }
            return ThroughputMeasurement(eta: row.optionalDouble(0), batchSize: row.int(1),
                                         threads: row.int(2), warmupBatches: row.int(3),
                                         imagesTimed: row.int(4), seconds: row.double(5),
                                         timerCovers: row.string(6), measuredUTC: measured)
        }
    }

    /// One image of a dataset.
    public func image(dataset: DatasetID, position: Int) throws -> ImageRecord? {
        try database.query("""
            SELECT position, rel_path, class_index, label_source, width, height, file_size, skip_reason
            FROM images WHERE dataset_id = ? AND position = ?
            """, [.integer(dataset.rawValue), .integer(Int64(position))]) { Self.decodeImage($0, from: 0) }
            .first
    }

    /// Images `run` recorded as skipped, by position.
    public func skippedImages(of run: RunID) throws -> [ImageRecord] {
        try database.query("""
            SELECT i.position, i.rel_path, i.class_index, i.label_source, i.width, i.height,
                   i.file_size, i.skip_reason
            FROM run_skips k JOIN runs r ON r.run_id = k.run_id
            JOIN images i ON i.dataset_id = r.dataset_id AND i.position = k.position
            WHERE k.run_id = ? ORDER BY k.position
            """, [.integer(run.rawValue)]) { Self.decodeImage($0, from: 0) }
    }

    static func decodeImage(_ row: SQLiteStatement, from c: Int32) -> ImageRecord {
        ImageRecord(position: row.int(c), relativePath: row.string(c + 1), classIndex: row.optionalInt(c + 2),
                    labelSource: row.string(c + 3), width: row.optionalInt(c + 4),
                    height: row.optionalInt(c + 5), fileSize: row.optionalInt64(c + 6),
                    skipReason: row.optionalString(c + 7))
    }
}
