import Foundation
import Testing
import RunStore

@Suite struct SQLiteWrapperTests {
    @Test func errorsCarrySQLiteMessageAndSQL() throws {
        let dir = try TempDirectory()
        let db = try SQLiteDatabase(path: dir.path("w.sqlite"))
        try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        try db.run("INSERT INTO t VALUES (1, 'a')")
        do {
            try db.run("INSERT INTO t VALUES (1, 'b')")
            Issue.record("a duplicate key was accepted")
        } catch let error as SQLiteError {
            #expect(error.primaryCode == 19)    // SQLITE_CONSTRAINT
            #expect(error.message.contains("UNIQUE constraint failed: t.k"))
            #expect(error.description.contains("INSERT INTO t VALUES (1, 'b')"))
            #expect(error.description.contains("w.sqlite"))
        }
        do {
            _ = try db.prepare("SELECT nope FROM t")
            Issue.record("a bad column was accepted")
        } catch let error as SQLiteError {
            #expect(error.message.contains("no such column: nope"))
            #expect(error.sql == "SELECT nope FROM t")
        }
    }

    @Test func preparedStatementsAreCachedAndReused() throws {
        let dir = try TempDirectory()
        let db = try SQLiteDatabase(path: dir.path("c.sqlite"))
        try db.execute("CREATE TABLE t (k INTEGER, v REAL, s TEXT, b BLOB)")
        let a = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)")
        try a.bind(Int64.max, at: 1)
        try a.bind(Float(0.7), at: 2)
        try a.bind("ünïcode", at: 3)
        try [UInt8](arrayLiteral: 0, 1, 255).withUnsafeBytes { try a.bind(blob: $0, at: 4) }
        try a.run()
        let b = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)")
        #expect(a === b)
        // Reuse after reset: bindings were cleared, so unbound parameters are NULL.
        try b.bind(2, at: 1)
        try b.run()
        let rows = try db.query("SELECT k, v, s, b FROM t ORDER BY rowid") { $0.row() }
        #expect(rows[0] == [.integer(Int64.max), .real(Double(Float(0.7))), .text("ünïcode"),
                            .blob([0, 1, 255])])
        #expect(rows[1] == [.integer(2), .null, .null, .null])
        // A nested query of the same text while the first is still stepping gets its own statement.
        var pairs = 0
        try db.forEachRow("SELECT k FROM t") { _ in
            try db.forEachRow("SELECT k FROM t") { _ in pairs += 1 }
        }
        #expect(pairs == 4)
    }

    @Test func transactionsCommitOrRollBack() throws {
        let dir = try TempDirectory()
        let db = try SQLiteDatabase(path: dir.path("t.sqlite"))
        try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM t") == .integer(0))
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            // A failing nested transaction rolls back to its savepoint only.
            _ = try? db.transaction {
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try db.query("SELECT k FROM t") { $0.int(0) } == [1])
        #expect(!db.isInTransaction)
    }

    @Test func busyTimeoutReportsTheLock() throws {
        let dir = try TempDirectory()
        let path = dir.path("b.sqlite")
        let a = try SQLiteDatabase(path: path)
        try a.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER)")
        let b = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 50)
        try a.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
        do {
            try b.execute("BEGIN IMMEDIATE")
            Issue.record("two writers held the database")
        } catch let error as SQLiteError {
            #expect(error.primaryCode == 5)    // SQLITE_BUSY, after waiting 50 ms
            #expect(error.description.contains("busy timeout"))
        }
        try a.execute("COMMIT")
        try b.execute("BEGIN IMMEDIATE; COMMIT")
    }
}
