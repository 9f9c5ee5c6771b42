import Dispatch
import Foundation

/// Reads and decodes every image of a listing once, without preprocessing, to find the ones a
/// run would skip — so that `--strict-data` can refuse them before any model runs. It fails
/// exactly where the batch pipeline fails: the same read (`ImageRead`), the same limits, the
/// same reasons.
public enum ReadCheck {
    /// The images of `entries` that cannot be used, in position order. `workers` threads each
    /// take every workers-th image; `onProgress` is called (from those threads, serialized)
    /// with the number of images done so far.
    public static func skipped(_ entries: [DatasetEntry], workers: Int, limits: DecodeLimits = .default,
                               onProgress: ((Int) -> Void)? = nil) -> [SkippedImage] {
        let n = max(1, min(workers, entries.count))
        let lock = NSLock()
        var failures: [SkippedImage] = []
        var done = 0
        DispatchQueue.concurrentPerform(iterations: n) { worker in
            let decoder = ImageDecoder(limits: limits)
            var local: [SkippedImage] = []
            for i in stride(from: worker, to: entries.count, by: n) {
                if case let .failed(error, fileSize) = ImageRead(entries[i].path, decoder: decoder) {
                    local.append(SkippedImage(entry: entries[i], error: error, fileSize: fileSize))
                }
                lock.lock()
                done += 1
                onProgress?(done)
                lock.unlock()
            }
            lock.lock()
            failures += local
            lock.unlock()
        }
        return failures.sorted { $0.position < $1.position }
    }
}
