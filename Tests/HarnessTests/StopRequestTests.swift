import Foundation
import RunStore
import Testing
@testable import Harness

/// The signal handling behind graceful stops, in this process: real signals (SIGUSR1/2, so
/// that the test runner's own SIGINT/SIGTERM handling is left alone) through dispatch sources.
@Suite(.serialized)
struct StopRequestTests {
    final class Calls: @unchecked Sendable {
        let lock = NSLock()
        var first: [Int32] = []
        var repeats: [Int32] = []
        func add(_ s: Int32, repeat r: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if r { repeats.append(s) } else { first.append(s) }
        }
        var snapshot: ([Int32], [Int32]) {
            lock.lock()
            defer { lock.unlock() }
            return (first, repeats)
        }
    }

    static func waitFor(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(5)
        while !condition() && Date() < deadline { usleep(2_000) }
    }

    @Test func theFirstSignalRequestsAStopAndASecondOneCallsTheImmediateExit() throws {
        let stop = StopRequest()
        let calls = Calls()
        stop.listen(to: [SIGUSR1, SIGUSR2], onFirst: { calls.add($0, repeat: false) },
                    onRepeat: { calls.add($0, repeat: true) })
        defer { stop.stopListening() }
        #expect(stop.signal == nil)
        try stop.check()

        kill(getpid(), SIGUSR2)
        Self.waitFor { stop.signal != nil }
        #expect(stop.signal == SIGUSR2)
        #expect(throws: RunStopped.self) { try stop.check() }
        Self.waitFor { !calls.snapshot.0.isEmpty }
        #expect(calls.snapshot.0 == [SIGUSR2])
        #expect(calls.snapshot.1.isEmpty, "one signal is a graceful stop, not an immediate one")

        // Another signal, of either kind: the immediate exit (injected here); the first signal
        // stays the one reported.
        kill(getpid(), SIGUSR1)
        Self.waitFor { !calls.snapshot.1.isEmpty }
        #expect(calls.snapshot.1 == [SIGUSR1])
        #expect(calls.snapshot.0 == [SIGUSR2])
        #expect(stop.signal == SIGUSR2)
    }

    @Test func stoppedRunsExitWithTheSignalsConventionalStatus() {
        #expect(RunStopped(signal: SIGINT).exitStatus == 130)
        #expect(RunStopped(signal: SIGTERM).exitStatus == 143)
        #expect(RunStopped(signal: SIGTERM).description == "stopped by SIGTERM")
    }

    @Test func aStopIsRecordedAsInterruptedAndAnyOtherErrorAsFailedWithItsReason() {
        struct DiskFull: Error, CustomStringConvertible { var description: String { "database or disk is full" } }
        #expect(RunEnding.status(for: RunStopped(signal: SIGINT)) == .interrupted)
        #expect(RunEnding.status(for: DiskFull()) == .failed)
        #expect(RunEnding.notes(for: RunStopped(signal: SIGTERM), base: "batch=32")
                == "batch=32; interrupted: stopped by SIGTERM")
        #expect(RunEnding.notes(for: DiskFull(), base: "") == "failed: database or disk is full")
    }
}
