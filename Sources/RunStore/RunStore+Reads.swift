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
        let id = RunID(row.int64("run_id"))
        func bad(_ column: String, _ value: String) -> StoreError {
            StoreError.corrupt(path: path, detail: "runs.\(column) of run \(id.rawValue) is '\(value)'")
        }
        guard let mode = RunMode(rawValue: row.string("mode")) else { throw bad("mode", row.string("mode")) }
        guard let status = RunStatus(rawValue: row.string("status")) else { throw bad("status", row.string("status")) }
        guard let flops = JSONIntegers.decode(row.string("stage_flops_json")), !flops.isEmpty else {
            throw bad("stage_flops_json", row.string("stage_flops_json"))
        }
        guard let started = Timestamp.date(from: row.string("started_utc")) else { throw bad("started_utc", row.string("started_utc")) }
        var finished: Date?
        if let text = row.optionalString("finished_utc") {
            guard let date = Timestamp.date(from: text) else { throw bad("finished_utc", text) }
            finished = date
        }
        var shard: Shard?
        if let text = row.optionalString("shard") {
            guard let parsed = Shard(text) else { throw bad("shard", text) }
            shard = parsed
        }
        let provenance = RunProvenance(
            suite: row.string("suite"), modelName: row.string("model_name"), variant: row.string("variant"), mode: mode,
            specHash: row.string("spec_hash"), modelSpecJSON: row.string("model_spec_json"), stageFLOPs: flops,
            gitRevision: row.string("git_revision"), host: row.string("host"), threads: row.int("threads"),
            blasConfig: row.string("blas_config"), weightsPath: row.optionalString("weights_path"),
            weightsSHA256: row.optionalString("weights_sha256"), preprocessingJSON: row.string("preprocessing_json"),
            datasetPath: row.string("dataset_path"), shard: shard, notes: row.string("notes"))
        let dataset = DatasetInfo(key: row.string("dataset_key"), layout: row.string("layout"), classListHash: row.string("class_list_hash"),
                                  classCount: row.int("class_count"), imageCount: row.int("image_count"))
        return RunRecord(id: id, provenance: provenance, datasetID: DatasetID(row.int64("dataset_id")),
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
                                   + "session \(row.int("session"))")
            }
            guard let kind = RunSession.Kind(rawValue: row.string("kind")) else { throw bad("kind") }
            guard let started = Timestamp.date(from: row.string("started_utc")) else { throw bad("started_utc") }
            let ended = try row.optionalString("ended_utc").map { text -> Date in
                guard let d = Timestamp.date(from: text) else { throw bad("ended_utc") }
                return d
            }
            let endStatus = try row.optionalString("end_status").map { text -> RunStatus in
                guard let s = RunStatus(rawValue: text) else { throw bad("end_status") }
                return s
            }
            let shard = try row.optionalString("shard").map { text -> Shard in
                guard let s = Shard(text) else { throw bad("shard") }
                return s
            }
            return RunSession(run: run, index: row.int("session"), kind: kind, startedUTC: started,
                              endedUTC: ended, endStatus: endStatus, host: row.string("host"), pid: row.int("pid"),
                              threads: row.int("threads"), gitRevision: row.string("git_revision"), blasConfig: row.string("blas_config"),
                              shard: shard, source: row.optionalString("source"))
        }
    }

    /// The stored sweep of `run`, by ascending η.
    public func sweepPoints(of run: RunID) throws -> [SweepPoint] {
        try database.query("""
            SELECT eta, image_count, stage_exits_json, expected_gflops
            FROM sweep_points WHERE run_id = ? ORDER BY eta
            """, [.integer(run.rawValue)]) { row in
            let text = row.string("stage_exits_json")
            guard let rows = try? JSONDecoder().decode([[Int]].self, from: Data(text.utf8)),
                  !rows.isEmpty, rows.allSatisfy({ $0.count == 3 }) else {
                throw StoreError.corrupt(path: path, detail: "sweep_points.stage_exits_json of run "
                                         + "\(run.rawValue) at η \(row.double("eta")) is '\(text)'")
            }
            let stages = rows.map { StageExit(exits: $0[0], top1Correct: $0[1], top5Correct: $0[2]) }
            return SweepPoint(eta: row.double("eta"), imageCount: row.int("image_count"), stages: stages,
                              expectedGFLOPs: row.double("expected_gflops"))
        }
    }

    /// Throughput measurements of `run`, in the order they were taken.
    public func throughput(of run: RunID) throws -> [ThroughputMeasurement] {
        try database.query("""
            SELECT eta, batch_size, threads, warmup_batches, images_timed, seconds, timer_covers,
                   measured_utc
            FROM throughput WHERE run_id = ? ORDER BY measurement_id
            """, [.integer(run.rawValue)]) { row in
            guard let measured = Timestamp.date(from: row.string("measured_utc")) else {
                throw StoreError.corrupt(path: path, detail: "throughput.measured_utc of run "
                                         + "\(run.rawValue) is '\(row.string("measured_utc"))'")
            }
            return ThroughputMeasurement(eta: row.optionalDouble("eta"), batchSize: row.int("batch_size"),
                                         threads: row.int("threads"), warmupBatches: row.int("warmup_batches"),
                                         imagesTimed: row.int("images_timed"), seconds: row.double("seconds"),
                                         timerCovers: row.string("timer_covers"), measuredUTC: measured)
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
