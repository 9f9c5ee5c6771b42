import Foundation

/// A little disk space held back beside the store (`<store>.reserve`), so that a run the disk
/// filled up can still be marked failed. On a full disk SQLite cannot commit anything, not even
/// the one-row status update; deleting the reserve frees the few pages that update needs.
/// The writer recreates it on its next open when there is room again (a store without one works
/// as before, it only loses this last word on a full disk).
struct StoreReserve {
    /// Enough for the status transaction (a few WAL frames of 4 KiB) many times over.
    static let size = 256 * 1024

    let path: String

    init(storePath: String) { path = storePath + ".reserve" }

    /// Creates or completes the reserve; on failure (no room) leaves none.
    func ensure() {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size >= Self.size { return }
        // Written, not truncated to size: a sparse file would hold no blocks back.
        if FileManager.default.createFile(atPath: path, contents: Data(count: Self.size)) == false {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Deletes the reserve; true when there was one to free.
    @discardableResult
    func release() -> Bool {
        (try? FileManager.default.removeItem(atPath: path)) != nil
    }
}
