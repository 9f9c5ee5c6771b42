import CSQLite
import Foundation

/// One SQLite connection: a thin layer over the C API with prepared statements cached by
/// SQL text, typed errors that carry `sqlite3_errmsg` and the SQL, transactions, and a busy
/// timeout. Not thread-safe: use a connection from one thread at a time (it is opened in
/// SQLite's multi-thread mode, so SQLite takes no per-call mutex either).
public final class SQLiteDatabase {
    public let path: String
    private(set) var handle: OpaquePointer?
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (or with `create`, creates) the database at `path`.
    public init(path: String, readOnly: Bool = false, create: Bool = true,
                busyTimeoutMilliseconds: Int32 = 5_000) throws {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: nil, path: path)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit { close() }

    /// Finalizes the cached statements and closes the connection. An open transaction is
    /// rolled back by SQLite, exactly as if the process had died.
    public func close() {
        cache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    public var isOpen: Bool { handle != nil }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(rc))
        let code = handle.map { sqlite3_extended_errcode($0) } ?? rc
        return SQLiteError(code: code == 0 ? rc : code, message: message, sql: sql, path: path)
    }

    private func liveHandle(for sql: String) throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed",
                              sql: sql, path: path)
        }
        return handle
    }

    /// Runs one or more SQL statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        let db = try liveHandle(for: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: sqlite3_extended_errcode(db), message: message, sql: sql, path: path)
        }
    }

    /// A prepared statement for `sql`, from the cache when possible. The statement is reset
    /// and its bindings cleared; it stays valid until the connection closes.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        if let cached = cache[sql] {
            if !cached.isActive { cached.reset(); return cached }
            return try prepareUncached(sql)    // nested use of the same text
        }
        let statement = try prepareUncached(sql)
        cache[sql] = statement
        return statement
    }

    /// A statement that is not cached (for one-off queries).
    public func prepareUncached(_ sql: String) throws -> SQLiteStatement {
        let db = try liveHandle(for: sql)
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return SQLiteStatement(handle: stmt, sql: sql, database: self)
    }

    /// Prepares (cached), binds and runs a statement that returns no rows.
    public func run(_ sql: String, _ values: [SQLiteValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.run()
    }

    /// Prepares (cached), binds each `:name` parameter and runs a statement that returns no rows.
    public func run(_ sql: String, _ values: KeyValuePairs<String, SQLiteValue>) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.run()
    }

    /// Prepares (cached), binds and maps each row; the statement is reset afterwards.
    public func query<T>(_ sql: String, _ values: [SQLiteValue] = [],
                         _ transform: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(try transform(statement)) }
        return rows
    }

    /// Calls `body` for each row without collecting them (streaming reads).
    public func forEachRow(_ sql: String, _ values: [SQLiteValue] = [],
                           _ body: (SQLiteStatement) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() { try body(statement) }
    }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String, _ values: [SQLiteValue] = []) throws -> SQLiteValue? {
        try query(sql, values) { $0.value(0) }.first
    }

    public var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    public var isInTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    /// Outermost transactions take the write lock at once (BEGIN IMMEDIATE), so a writer never
    /// fails half-way on a lock upgrade; nested calls become savepoints.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute("SAVEPOINT nested")
            do {
                let result = try body()
                try execute("RELEASE nested")
                return result
            } catch {
                try? execute("ROLLBACK TO nested; RELEASE nested")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// `PRAGMA user_version`.
    public func userVersion() throws -> Int {
        guard case .integer(let v)? = try scalar("PRAGMA user_version") else { return 0 }
        return Int(v)
    }

    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }
}
