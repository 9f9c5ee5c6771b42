import Common
import CSQLite
import Foundation

/// The results store: one SQLite file (WAL mode) holding runs, per-image outputs, sweeps and
/// throughput measurements. One writer at a time (an advisory lock on `<store>.lock`);
/// any number of read-only openers alongside it. Not thread-safe: use one instance from one
/// thread. It knows numbers, not networks.
public final class RunStore {
    public enum Access {
        /// Reads only; takes no lock and never changes the file.
        case readOnly
        /// Takes the writer lock (failing or waiting per `wait`), creates or migrates the
        /// schema, and marks runs left "running" by a dead process as "interrupted".
        case readWrite(wait: LockWait = .fail, onWait: ((LockHolder) -> Void)? = nil)
    }

    /// Absolute path of the store file.
    public let path: String
    /// The connection, for queries the API does not cover (reports, ad-hoc analysis).
    public let database: SQLiteDatabase
    public let isReadOnly: Bool
    private var lock: StoreLock?
    /// Space held back for marking a run failed on a full disk (writers only).
    let reserve: StoreReserve?
    /// Facts of runs this instance writes to, looked up once per run.
    var writableRuns: [RunID: WritableRun] = [:]

    private init(path: String, database: SQLiteDatabase, isReadOnly: Bool, lock: StoreLock?,
                 reserve: StoreReserve? = nil) {
        self.path = path
        self.database = database
        self.isReadOnly = isReadOnly
        self.lock = lock
        self.reserve = reserve
    }

    deinit { close() }

    /// Closes the connection and releases the lock. Anything not committed is lost, as in a
    /// crash (nothing is buffered outside SQLite transactions).
    public func close() {
        database.close()
        lock?.release()
        lock = nil
    }

    public static func open(at path: String, access: Access) throws -> RunStore {
        let path = absolutePath(path)
        switch access {
        case .readOnly:
            return try openReadOnly(path)
        case .readWrite(let wait, let onWait):
            return try openReadWrite(path, wait: wait, onWait: onWait)
        }
    }

    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func openReadOnly(_ path: String) throws -> RunStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound(path: path) }
        let db = try SQLiteDatabase(path: path, readOnly: true)
        let version = try checkIdentity(db)
        if version == 0 { throw StoreError.notAStore(path: path, reason: "it is empty") }
        if version > Schema.currentVersion {
            throw StoreError.schemaTooNew(path: path, found: version, supported: Schema.currentVersion)
        }
        if version < Schema.currentVersion {
            throw StoreError.needsMigration(path: path, found: version, current: Schema.currentVersion)
        }
        return RunStore(path: path, database: db, isReadOnly: true, lock: nil)
    }

    private static func openReadWrite(_ path: String, wait: LockWait,
                                      onWait: ((LockHolder) -> Void)?) throws -> RunStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.lockFile(path: directory, reason: "cannot create the directory: \(error)")
        }
        let lock = try StoreLock.exclusive(storePath: path, wait: wait, onWait: onWait)
        let db = try SQLiteDatabase(path: path)
        _ = try checkIdentity(db)
        // WAL: readers never block the writer; a commit is one append to the log. NORMAL
        // sync: a commit survives a killed process (SIGKILL included); only a power cut can
        // lose the last commits, and never corrupts the file.
        let mode = try db.scalar("PRAGMA journal_mode = WAL")
        guard mode == .text("wal") else {
            throw StoreError.notAStore(path: path, reason: "SQLite refused WAL mode (got \(mode ?? .null)); "
                                       + "keep the store on a local file system")
        }
        // Checkpoints (copying the log into the file) are where NORMAL fsyncs; at the default
        // 1000 pages a 50,000-image run checkpoints eight times and, on a busy disk, spends
        // most of its store time in fsync. 10,000 pages (~40 MB of log) checkpoints about
        // once per such run.
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 10000")
        // Test hook: a store that cannot grow beyond N pages fails its writes with SQLite's own
        // "database or disk is full", for tests that cannot mount a small file system.
        if let pages = ProcessInfo.processInfo.environment["REPRO_TEST_STORE_MAX_PAGES"].flatMap(Int.init) {
            try db.execute("PRAGMA max_page_count = \(pages)")
        }
        // The reserve before the schema: on a nearly full disk, the room to record a failure
        // comes first.
        let reserve = StoreReserve(storePath: path)
        reserve.ensure()
        try Migrator(Schema.migrations).migrate(db)
        let store = RunStore(path: path, database: db, isReadOnly: false, lock: lock, reserve: reserve)
        try store.markAbandonedRuns()
        return store
    }

    /// Checks that the file is empty or a repro store; returns its schema version.
    private static func checkIdentity(_ db: SQLiteDatabase) throws -> Int {
        let appID: SQLiteValue?
        let tables: SQLiteValue?
        let version: Int
        do {
            appID = try db.scalar("PRAGMA application_id")
            tables = try db.scalar("SELECT COUNT(*) FROM sqlite_master")
            version = try db.userVersion()
        } catch let error as SQLiteError where error.primaryCode == SQLITE_NOTADB {
            throw StoreError.notAStore(path: db.path, reason: "not an SQLite database")
        }
        if appID != .integer(Int64(Schema.applicationID)) {
            if appID != .integer(0) || tables != .integer(0) || version != 0 {
                throw StoreError.notAStore(path: db.path,
                                           reason: "an SQLite file written by another program")
            }
        }
        return version
    }

    /// Only one writer can hold the lock, so a run still marked "running" when a writer
    /// opens the store belongs to a process that died: mark it interrupted (resumable).
    private func markAbandonedRuns() throws {
        try database.transaction {
            try database.run("""
                UPDATE run_sessions SET end_status = 'interrupted'
                WHERE end_status IS NULL AND run_id IN (SELECT run_id FROM runs WHERE status = 'running')
                """)
            try database.run("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        }
    }

    func requireWritable() throws {
        if isReadOnly { throw StoreError.readOnly(path: path) }
    }

    public static var schemaVersion: Int { Schema.currentVersion }

    /// The lock file that guards this store.
    public static func lockPath(forStore path: String) -> String {
        StoreLock.lockPath(forStore: absolutePath(path))
    }
}
