/// The store's schema history. A new version appends a `Migration` here (never edits an
/// old one): stores written by older builds are brought forward when a writer opens them.
public enum Schema {
    /// `PRAGMA application_id` of a repro store ("RPRC"), so that `file` and this code can
    /// tell a results store from any other SQLite file.
    public static let applicationID: Int32 = 0x5250_5243

    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "tables, indexes and views of the first release") { db in
            try db.execute(SchemaV1.tables)
            try db.execute(SchemaViews.v1)
            try db.execute("PRAGMA application_id = \(applicationID)")
        },
        Migration(version: 2, summary: "comparisons, paired statistics, checkpoint curves, matched_accuracy view") { db in
            try db.execute(SchemaV2.tables)
            try db.execute(SchemaV2.views)
        },
    ]

    public static var currentVersion: Int { Migrator(migrations).currentVersion }
}
