import CSQLite
import Foundation

/// A value for generic binding and row comparison (the merge compares whole rows this way).
/// Hot paths bind typed values directly instead.
public enum SQLiteValue: Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return "'\(v)'"
        case .blob(let v): return "blob(\(v.count) bytes)"
        }
    }
}

/// A prepared statement. Obtained from `SQLiteDatabase.prepare`, which caches it by SQL text:
/// bind, step, read columns, and the next `prepare` of the same text resets and reuses it.
/// Parameter and column indices are 1-based and 0-based respectively, as in the C API.
public final class SQLiteStatement {
    let handle: OpaquePointer
    public let sql: String
    unowned let database: SQLiteDatabase
    /// True between the first `step` and the `reset`; a cached statement still in use is not
    /// handed out again (a nested query of the same text gets a fresh statement).
    var isActive = false
    /// Result column indices by name, filled on first use (`column(_:)`).
    var columnIndexCache: [String: Int32]?

    init(handle: OpaquePointer, sql: String, database: SQLiteDatabase) {
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the bindings and rewinds the statement.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        isActive = false
    }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK { throw database.error(rc, sql: sql) }
    }

    // MARK: binding

    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: Int, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Stores the float32 value exactly (Float → Double is exact).
    public func bind(_ value: Float, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, Double(value)))
    }

    public func bind(_ value: String, at index: Int32) throws {
        try check(sqlite3_bind_text(handle, index, value, -1, sqliteTransient))
    }

    public func bind(blob bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        // A zero-length blob must still be a blob, not NULL: pass a non-nil pointer.
        if bytes.isEmpty {
            try check(sqlite3_bind_zeroblob(handle, index, 0))
        } else {
            try check(sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count),
                                        sqliteTransient))
        }
    }

    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    public func bind(_ value: Int?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: Int64?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: Double?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: String?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try v.withUnsafeBytes { try bind(blob: $0, at: index) }
        }
    }

    /// Binds `values` to parameters 1, 2, ….
    public func bind(_ values: [SQLiteValue]) throws {
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    // MARK: stepping

    /// Advances to the next row: true if a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        isActive = true
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, sql: sql)
            reset()
            throw error
        }
    }

    /// Steps a statement that returns no rows to completion, then resets it.
    public func run() throws {
        defer { reset() }
        while try step() {}
    }

    // MARK: columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "?"
    }

    public func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func string(_ index: Int32) -> String {
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func bytes(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let base = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    public func optionalInt(_ index: Int32) -> Int? { isNull(index) ? nil : int(index) }
    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
    public func optionalDouble(_ index: Int32) -> Double? { isNull(index) ? nil : double(index) }
    public func optionalString(_ index: Int32) -> String? { isNull(index) ? nil : string(index) }
    public func optionalBytes(_ index: Int32) -> [UInt8]? { isNull(index) ? nil : bytes(index) }

    public func value(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(string(index))
        case SQLITE_BLOB: return .blob(bytes(index))
        default: return .null
        }
    }

    /// All columns of the current row.
    public func row() -> [SQLiteValue] {
        (0..<columnCount).map { value($0) }
    }
}
