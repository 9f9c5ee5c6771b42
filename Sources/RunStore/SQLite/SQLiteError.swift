import CSQLite
import Foundation

/// A failed SQLite call, with everything needed to act on it: the store file, SQLite's own
/// message (`sqlite3_errmsg`), the result code and the statement that was running.
public struct SQLiteError: Error, CustomStringConvertible, Equatable {
    /// Extended result code (`sqlite3_extended_errcode`), e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE.
    public let code: Int32
    public let message: String
    public let sql: String?
    public let path: String

    /// The primary result code (the low byte of the extended code), e.g. SQLITE_BUSY = 5.
    public var primaryCode: Int32 { code & 0xff }

    public var description: String {
        let name = sqlite3_errstr(code).map { String(cString: $0) } ?? "error"
        var text = "SQLite error \(code) (\(name)) on \(path): \(message)"
        if let sql {
            let oneLine = sql.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            text += " — while running: \(oneLine)"
        }
        if primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED {
            text += " (another connection held the database longer than the busy timeout)"
        }
        return text
    }
}

// SQLITE_TRANSIENT is a macro (a cast of -1) that Swift does not import: SQLite copies the
// bound bytes before the bind call returns, so Swift's temporary buffers are safe to pass.
let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
