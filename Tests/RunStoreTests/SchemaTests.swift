import Foundation
import Testing
import RunStore

@Suite struct SchemaTests {
    @Test func newStoreHasTheCurrentSchema() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("new/results.sqlite"), access: .readWrite())
        let db = store.database
        #expect(try db.userVersion() == Schema.currentVersion)
        #expect(Schema.currentVersion == 2)
        #expect(try db.scalar("PRAGMA application_id") == .integer(Int64(Schema.applicationID)))
        #expect(try db.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try db.scalar("PRAGMA foreign_keys") == .integer(1))
        let objects = Set(try db.query("SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") {
            $0.string(0)
        })
        for table in ["datasets", "runs", "run_sessions", "images", "run_skips", "stage_outputs",
                      "selections", "sweep_points", "throughput", "comparisons", "paired_stats",
                      "checkpoint_curves"] {
            #expect(objects.contains("table \(table)"), "table \(table)")
        }
        for view in ["image_exits", "early_exit_errors", "class_accuracy", "stage_accuracy",
                     "image_regions", "selected_cells", "run_overview", "latest_complete_runs",
                     "matched_accuracy"] {
            #expect(objects.contains("view \(view)"), "view \(view)")
        }
        // Every view compiles against the tables (an empty store gives empty results).
        for view in objects where view.hasPrefix("view ") {
            _ = try db.query("SELECT * FROM \(view.dropFirst(5))") { $0.row() }
        }
        #expect(try db.scalar("PRAGMA integrity_check") == .text("ok"))
        store.close()
        // Reopening migrates nothing and keeps the version.
        let again = try RunStore.open(at: dir.path("new/results.sqlite"), access: .readOnly)
        #expect(try again.database.userVersion() == 2)
    }

    /// A synthetic two-version history: a store written by the "older build" (v1 only) is
    /// opened by the "newer build" (v1 + v2) and migrated in place, keeping its rows.
    static let v1 = Migration(version: 1, summary: "old layout") { db in
        try db.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    }
    static let v2 = Migration(version: 2, summary: "add runs.host") { db in
        try db.execute("ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT 'unknown'")
        try db.execute("UPDATE runs SET host = 'migrated-' || name")
    }

    @Test func olderStoreIsMigratedForward() throws {
        let dir = try TempDirectory()
        let path = dir.path("old.sqlite")
        do {
            let db = try SQLiteDatabase(path: path)
            #expect(try Migrator([Self.v1]).migrate(db) == [1])
            try db.run("INSERT INTO runs (name) VALUES ('a'), ('b')")
        }
        let db = try SQLiteDatabase(path: path)
        #expect(try db.userVersion() == 1)
        #expect(try Migrator([Self.v2, Self.v1]).migrate(db) == [2])   // order given does not matter
        #expect(try db.userVersion() == 2)
        #expect(try db.query("SELECT name, host FROM runs ORDER BY run_id") { "\($0.string(0)) \($0.string(1))" }
                == ["a migrated-a", "b migrated-b"])
        // Up to date: nothing more to apply.
        #expect(try Migrator([Self.v1, Self.v2]).migrate(db) == [])
    }

    @Test func failedMigrationRollsBackToThePreviousVersion() throws {
        let dir = try TempDirectory()
        let db = try SQLiteDatabase(path: dir.path("fail.sqlite"))
        try Migrator([Self.v1]).migrate(db)
        let broken = Migration(version: 2, summary: "broken step") { db in
            try db.execute("CREATE TABLE half_done (x INTEGER)")
            try db.execute("ALTER TABLE no_such_table ADD COLUMN y INTEGER")
        }
        #expect {
            try Migrator([Self.v1, broken]).migrate(db)
        } throws: { error in
            let text = "\(error)"
            return text.contains("schema version 2") && text.contains("broken step")
                && text.contains("no such table: no_such_table")
        }
        #expect(try db.userVersion() == 1)
        #expect(try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == .integer(0))
    }

    @Test func gapsInTheHistoryAreRejected() throws {
        let dir = try TempDirectory()
        let db = try SQLiteDatabase(path: dir.path("gap.sqlite"))
        #expect(throws: StoreError.self) { try Migrator([Self.v2]).migrate(db) }
        #expect(try db.userVersion() == 0)
    }

    @Test func newerStoreIsRefused() throws {
        let dir = try TempDirectory()
        let path = dir.path("future.sqlite")
        try RunStore.open(at: path, access: .readWrite()).close()
        do {
            let db = try SQLiteDatabase(path: path)
            try db.setUserVersion(Schema.currentVersion + 1)
        }
        for access in [RunStore.Access.readOnly, .readWrite()] {
            #expect {
                try RunStore.open(at: path, access: access)
            } throws: { error in
                "\(error)".contains("schema version \(Schema.currentVersion + 1)") && "\(error)".contains("Update repro")
            }
        }
    }

    @Test func otherFilesAreNotStores() throws {
        let dir = try TempDirectory()
        let text = dir.path("notes.txt")
        try Data(repeating: 65, count: 4096).write(to: URL(fileURLWithPath: text))
        #expect {
            try RunStore.open(at: text, access: .readWrite())
        } throws: { "\($0)".contains("not a repro results store") && "\($0)".contains("not an SQLite database") }

        let foreign = dir.path("other.sqlite")
        do {
            let db = try SQLiteDatabase(path: foreign)
            try db.execute("CREATE TABLE mine (x INTEGER)")
        }
        #expect {
            try RunStore.open(at: foreign, access: .readWrite())
        } throws: { "\($0)".contains("written by another program") }
        // Refusing it changed nothing.
        let db = try SQLiteDatabase(path: foreign)
        #expect(try db.scalar("SELECT COUNT(*) FROM sqlite_master") == .integer(1))

        #expect {
            try RunStore.open(at: dir.path("missing.sqlite"), access: .readOnly)
        } throws: { "\($0)".contains("no results store there") }
    }
}
