import Foundation
import RunStore

/// How a run that did not complete is recorded: `interrupted` when it was asked to stop (a
/// signal), `failed` with the reason in its notes for any other error (a full disk, a write
/// error). Either way the batches committed so far stay, and the same command resumes it.
enum RunEnding {
    static func status(for error: Error) -> RunStatus {
        error is RunStopped ? .interrupted : .failed
    }

    /// The run's notes after it ended with `error`: its own notes, then what happened.
    static func notes(for error: Error, base: String) -> String {
        let what = error is RunStopped ? "interrupted: \(error)" : "failed: \(error)"
        return base.isEmpty ? what : "\(base); \(what)"
    }

    /// Marks `run` and its session, and says so on stderr. If the store cannot take even that
    /// (the disk is still full), says what the next writer will do instead. Returns the error
    /// to throw: a stop as it is, anything else as `RunFailed`.
    static func record(_ error: Error, run: RunID, model: String, baseNotes: String, store: RunStore,
                       recorded: (() throws -> Int)? = nil, total: Int = 0) -> Error {
        let status = status(for: error)
        do {
            try store.finishRun(run, status: status, notes: notes(for: error, base: baseNotes))
            let count = (recorded.flatMap { try? $0() }).map { ", \($0) of \(total) images recorded" } ?? ""
            Progress.note("\(model): \(run) marked \(status.rawValue)\(count)")
        } catch let second {
            Progress.note("\(model): could not mark \(run) \(status.rawValue) (\(second)); "
                          + "the next writer of this store marks it interrupted, and the same command resumes it")
        }
        return error is RunStopped ? error : RunFailed(model: model, run: run, underlying: error)
    }
}

/// A run ended by an error, after it was marked `failed`: the error, and which run it was.
public struct RunFailed: Error, CustomStringConvertible {
    public let model: String
    public let run: RunID
    public let underlying: Error

    public var description: String { "\(model): \(underlying)" }
}
