import Foundation

/// Every failure the store reports. Each message names the file (and the record or field)
/// and says what to do.
public enum StoreError: Error, CustomStringConvertible {
    case notFound(path: String)
    case notAStore(path: String, reason: String)
    case schemaTooNew(path: String, found: Int, supported: Int)
    case needsMigration(path: String, found: Int, current: Int)
    case migrationFailed(path: String, version: Int, summary: String, underlying: String)
    case invalidSchemaHistory(String)
    case locked(path: String, holder: LockHolder)
    case lockTimeout(path: String, holder: LockHolder, seconds: Double)
    case lockFile(path: String, reason: String)
    case readOnly(path: String)
    case unknownRun(path: String, run: RunID)
    case runNotRunning(path: String, run: RunID, status: RunStatus)
    case invalidRecord(path: String, detail: String)
    case corrupt(path: String, detail: String)
    case datasetMismatch(path: String, key: String, detail: String)
    case mergeConflict(target: String, conflicts: [String], total: Int)
    case mergeSource(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no results store there. Check the path (--db), or run a suite to create it."
        case .notAStore(let path, let reason):
            return "\(path) is not a repro results store (\(reason)). Point --db at a store "
                + "written by repro, or at a new file name."
        case .schemaTooNew(let path, let found, let supported):
            return "\(path) has schema version \(found), but this build of repro knows versions up "
                + "to \(supported). Update repro to read it."
        case .needsMigration(let path, let found, let current):
            return "\(path) has schema version \(found) and this build uses \(current); it was opened "
                + "read-only, so it cannot be migrated. Open it once for writing (any repro run or "
                + "merge into it), or copy it somewhere writable."
        case .migrationFailed(let path, let version, let summary, let underlying):
            return "\(path): migration to schema version \(version) (\(summary)) failed and was rolled "
                + "back; the store is unchanged at the previous version. Cause: \(underlying)"
        case .invalidSchemaHistory(let detail):
            return "schema history is malformed (a bug in this build): \(detail)"
        case .locked(let path, let holder):
            return "\(path) is in use by \(holder). Wait for that process to finish (or stop it), "
                + "or use another store file."
        case .lockTimeout(let path, let holder, let seconds):
            return "\(path) is still in use by \(holder) after waiting \(Int(seconds)) s. Try again "
                + "later, or use another store file."
        case .lockFile(let path, let reason):
            return "cannot use the lock file \(path): \(reason). Check that its directory is writable."
        case .readOnly(let path):
            return "\(path) was opened read-only; open it for writing to change it."
        case .unknownRun(let path, let run):
            return "\(path) has no run \(run.rawValue). List the runs with: "
                + "sqlite3 \(path) 'SELECT * FROM run_overview'."
        case .runNotRunning(let path, let run, let status):
            return "\(path): run \(run.rawValue) is \(status.rawValue), not running; resume it before "
                + "writing more images to it."
        case .invalidRecord(let path, let detail):
            return "\(path): refused to write an invalid record: \(detail)"
        case .corrupt(let path, let detail):
            return "\(path) holds a value this build cannot read: \(detail). The file may have been "
                + "edited by hand; restore it or remove the offending run."
        case .datasetMismatch(let path, let key, let detail):
            return "\(path): dataset \(key) is already recorded with different properties (\(detail)). "
                + "The dataset key must identify one listing; compute it from the listing itself."
        case .mergeConflict(let target, let conflicts, let total):
            let shown = conflicts.map { "  - \($0)" }.joined(separator: "\n")
            let more = total > conflicts.count ? "\n  … and \(total - conflicts.count) more" : ""
            return "merge into \(target) stopped: \(total) conflicting row(s) for the same key, nothing "
                + "was written. Shards of one run must agree; re-run the shard that is wrong.\n"
                + shown + more
        case .mergeSource(let path, let reason):
            return "cannot merge \(path): \(reason)"
        }
    }
}
