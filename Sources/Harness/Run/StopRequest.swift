import Foundation

/// A request to stop a run early (Ctrl-C, `kill`, Slurm's `scancel` or time limit), set when a
/// signal arrives and checked by the runner between batches: the batch in flight is finished
/// and committed, then the run is marked `interrupted` and the process exits non-zero.
///
/// Signals arrive through a `sigaction` handler that only writes the signal number into a pipe
/// (one async-signal-safe `write`); a thread of ours reads the pipe and does the rest (sets the
/// flag, prints, exits on a second signal) in ordinary thread context. A process-wide handler
/// sees the signal on whichever thread the kernel picks; a dispatch signal source (tried first)
/// depends on the signal being blocked in the thread that takes it, and in a process with many
/// threads it missed some signals in the tests. SA_RESTART keeps the other threads' reads and
/// writes (images, SQLite) from failing with EINTR.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?
    private var count = 0
    private var onFirst: (@Sendable (Int32) -> Void)?
    private var onRepeat: (@Sendable (Int32) -> Void)?
    private var installed: [Int32] = []

    public init() {}

    /// The first signal received, or nil.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }

    /// Records a signal; returns how many have arrived, this one included.
    @discardableResult
    public func record(_ signal: Int32) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = signal }
        count += 1
        return count
    }

    /// Throws `RunStopped` once a signal has arrived.
    public func check() throws {
        if let s = signal { throw RunStopped(signal: s) }
    }

    /// Starts listening for `signals`. The first one asks for a graceful stop (`onFirst` says so
    /// to the user); any further one calls `onRepeat`, which by default exits at once with
    /// 128 + signal, as the default action would: the batch in flight is lost, the run stays
    /// `running` until the next writer marks it `interrupted`, and a re-run resumes it.
    public func listen(to signals: [Int32] = [SIGINT, SIGTERM],
                       onFirst: @escaping @Sendable (Int32) -> Void = StopRequest.announce,
                       onRepeat: @escaping @Sendable (Int32) -> Void = { _exit(128 + $0) }) {
        lock.lock()
        self.onFirst = onFirst
        self.onRepeat = onRepeat
        installed = signals
        lock.unlock()
        SignalRelay.shared.attach(self, signals: signals)
    }

    /// Stops listening and restores the default action of each signal.
    public func stopListening() {
        lock.lock()
        let signals = installed
        installed = []
        lock.unlock()
        SignalRelay.shared.detach(self, signals: signals)
    }

    /// Called on the relay's thread for each signal.
    fileprivate func deliver(_ sig: Int32) {
        let total = record(sig)
        lock.lock()
        let first = onFirst, again = onRepeat
        lock.unlock()
        if total == 1 { first?(sig) } else { again?(sig) }
    }

    /// The message on the first signal (stderr).
    public static let announce: @Sendable (Int32) -> Void = { sig in
        let again = sig == SIGINT ? "press Ctrl-C again" : "send it again"
        FileHandle.standardError.write(Data("\n\(RunStopped.name(of: sig)): stopping after the batch in flight and committing it (\(again) to stop at once)\n".utf8))
    }
}

/// The self-pipe: created before any handler is installed, read by one thread for the
/// process's lifetime.
private let signalPipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { fatalError("cannot create the signal pipe: errno \(errno)") }
    return (fds[0], fds[1])
}()

/// The handler proper: one write of one byte (async-signal-safe), errno left as it was.
private func relaySignal(_ sig: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(signalPipe.write, &byte, 1)
    errno = saved
}

/// Routes signals from the pipe to the listening `StopRequest`.
private final class SignalRelay: @unchecked Sendable {
    static let shared = SignalRelay()

    private let lock = NSLock()
    private var listener: StopRequest?
    private var started = false

    func attach(_ request: StopRequest, signals: [Int32]) {
        _ = signalPipe  // created here, never first inside the handler
        lock.lock()
        listener = request
        if !started {
            started = true
            let thread = Thread { [self] in self.readLoop() }
            thread.name = "repro.signals"
            thread.start()
        }
        lock.unlock()
        for sig in signals { Self.install(sig, handler: true) }
        // A process can start with these signals blocked (spawned from a thread that blocks
        // them, as dispatch worker threads do): unblock them here, so that this thread and the
        // compute threads it creates later receive them.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in signals { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    func detach(_ request: StopRequest, signals: [Int32]) {
        for sig in signals { Self.install(sig, handler: false) }
        lock.lock()
        if listener === request { listener = nil }
        lock.unlock()
    }

    private func readLoop() {
        var byte: UInt8 = 0
        while true {
            let n = read(signalPipe.read, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return }
            lock.lock()
            let target = listener
            lock.unlock()
            target?.deliver(Int32(byte))
        }
    }

    private static func install(_ sig: Int32, handler: Bool) {
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = handler ? relaySignal : SIG_DFL
        #else
        action.__sigaction_u.__sa_handler = handler ? relaySignal : SIG_DFL
        #endif
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(sig, &action, nil)
    }
}

/// A run ended early on request; the store says `interrupted` and a re-run resumes it.
public struct RunStopped: Error, CustomStringConvertible, Sendable {
    public let signal: Int32

    public init(signal: Int32) { self.signal = signal }

    /// The conventional exit status of a process ended by this signal.
    public var exitStatus: Int32 { 128 + signal }

    public var description: String { "stopped by \(Self.name(of: signal))" }

    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }
}
