import Foundation

/// Where an end-to-end run's wall time went, summed over batches: waiting for the prefetch
/// pipeline (decode and preprocess could not keep up), the model, and the result rows
/// (top-5, store transaction, progress). Printed with the end-to-end rate so that a slow run
/// says which side to look at.
struct TimeSplit: CustomStringConvertible {
    var waiting = 0.0
    var model = 0.0
    var store = 0.0

    var description: String {
        String(format: "model %.2f s, waiting for images %.2f s, results and store %.2f s", model, waiting, store)
    }

    /// Charges the time since the previous lap to one field.
    struct Clock {
        private(set) var split = TimeSplit()
        private var last = DispatchTime.now().uptimeNanoseconds

        mutating func lap(_ field: WritableKeyPath<TimeSplit, Double>) {
            let now = DispatchTime.now().uptimeNanoseconds
            split[keyPath: field] += Double(now - last) / 1e9
            last = now
        }
    }
}
