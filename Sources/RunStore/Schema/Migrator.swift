import Foundation

/// One step of the schema history: `apply` takes a store at `version - 1` to `version`.
public struct Migration {
    public let version: Int
    public let summary: String
    public let apply: (SQLiteDatabase) throws -> Void

    public init(version: Int, summary: String, apply: @escaping (SQLiteDatabase) throws -> Void) {
        self.version = version
        self.summary = summary
        self.apply = apply
    }
}

/// Applies ordered migrations, tracking the schema version in `PRAGMA user_version`
/// (0 = empty file). Each step runs in its own transaction together with the version bump,
/// so a failure leaves the store at the last completed version, never half-migrated.
public struct Migrator {
    public let migrations: [Migration]

    /// The migrations must be numbered 1, 2, 3, … without gaps.
    public init(_ migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    public var currentVersion: Int { migrations.last?.version ?? 0 }

    /// Brings `database` up to `currentVersion` and returns the versions applied.
    @discardableResult
    public func migrate(_ database: SQLiteDatabase) throws -> [Int] {
        for (i, m) in migrations.enumerated() where m.version != i + 1 {
            throw StoreError.invalidSchemaHistory(
                "migration \(m.version) is out of order: expected version \(i + 1)")
        }
        let found = try database.userVersion()
        if found > currentVersion {
            throw StoreError.schemaTooNew(path: database.path, found: found, supported: currentVersion)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > found {
            do {
                try database.transaction {
                    try migration.apply(database)
                    try database.setUserVersion(migration.version)
                }
            } catch {
                throw StoreError.migrationFailed(path: database.path, version: migration.version,
                                                 summary: migration.summary, underlying: "\(error)")
            }
            applied.append(migration.version)
        }
        return applied
    }
}
