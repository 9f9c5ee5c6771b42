import Foundation
import Testing
import RunStore

/// One writer per store. The lock is flock(2) on `<store>.lock`; flock locks belong to open
/// file descriptions, so a second open in this process conflicts exactly as a second
/// process does. The cross-process tests use util-linux `flock(1)` as the other process.
@Suite struct LockTests {
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(cString: buffer)
    }

    @Test func secondWriterIsToldWhoHoldsTheStore() throws {
        let dir = try TempDirectory()
        let path = dir.path("busy.sqlite")
        let first = try RunStore.open(at: path, access: .readWrite())
        #expect {
            try RunStore.open(at: path, access: .readWrite())
        } throws: { error in
            guard case StoreError.locked(_, let holder) = error else { return false }
            let text = "\(error)"
            return holder.pid == Int(getpid()) && holder.host == Self.hostName()
                && holder.since.flatMap(Timestamp.date(from:)) != nil && holder.command != nil
                && text.contains("is in use by process \(getpid()) on ") && text.contains(", since ")
                && text.contains("use another store file")
        }
        // The failed attempt did not erase the holder's details.
        let text = try String(contentsOfFile: RunStore.lockPath(forStore: path), encoding: .utf8)
        #expect(text.contains("pid=\(getpid())"))
        first.close()
        try RunStore.open(at: path, access: .readWrite()).close()
    }

    @Test func waitingWriterSaysSoAndTimesOut() throws {
        let dir = try TempDirectory()
        let path = dir.path("wait.sqlite")
        let first = try RunStore.open(at: path, access: .readWrite())
        var told: [LockHolder] = []
        let start = Date()
        #expect {
            try RunStore.open(at: path, access: .readWrite(wait: .wait(timeoutSeconds: 0.3), onWait: { told.append($0) }))
        } throws: { error in
            guard case StoreError.lockTimeout = error else { return false }
            return "\(error)".contains("still in use by process \(getpid())")
        }
        #expect(Date().timeIntervalSince(start) >= 0.3)
        #expect(told.count == 1 && told.first?.pid == Int(getpid()))
        first.close()
    }

    @Test func waitingWriterProceedsWhenTheHolderLeaves() throws {
        let dir = try TempDirectory()
        let path = dir.path("handover.sqlite")
        let first = try RunStore.open(at: path, access: .readWrite())
        let dataset = try first.registerDataset(Synthetic.dataset())
        let run = try first.createRun(Synthetic.provenance(), dataset: dataset)
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            first.close()     // leaves the run "running", as a crash would
            released.signal()
        }
        var waited = false
        let second = try RunStore.open(at: path, access: .readWrite(wait: .wait(timeoutSeconds: 30),
                                                                     onWait: { _ in waited = true }))
        released.wait()
        #expect(waited)
        #expect(try second.run(run)?.status == .interrupted)
    }

    @Test func readersAreNotBlockedByTheWriter() throws {
        let dir = try TempDirectory()
        let path = dir.path("read.sqlite")
        let writer = try RunStore.open(at: path, access: .readWrite())
        let dataset = try writer.registerDataset(Synthetic.dataset())
        let run = try writer.createRun(Synthetic.provenance(), dataset: dataset)
        try Synthetic.write(Array(0..<100), to: writer, run: run)
        let reader = try RunStore.open(at: path, access: .readOnly)
        #expect(try reader.recordedPositions(of: run).count == 100)
        #expect(throws: StoreError.self) { try reader.finishRun(run, status: .complete) }
    }

    /// Starts `flock` with `arguments` (and waits for it unless told not to).
    static func flock(_ arguments: [String], wait: Bool = true) throws -> Process {
        let url = URL(fileURLWithPath: "/usr/bin/flock")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("util-linux flock(1) is needed at /usr/bin/flock for the cross-process lock tests "
                              + "(Debian package util-linux)")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        try process.run()
        if wait { process.waitUntilExit() }
        return process
    }

    @Test func anotherProcessSeesTheLock() throws {
        let dir = try TempDirectory()
        let path = dir.path("cross.sqlite")
        let lockFile = RunStore.lockPath(forStore: path)
        let store = try RunStore.open(at: path, access: .readWrite())
        #expect(try Self.flock(["--nonblock", "--conflict-exit-code", "75", lockFile, "true"]).terminationStatus == 75)
        store.close()
        #expect(try Self.flock(["--nonblock", lockFile, "true"]).terminationStatus == 0)
    }

    @Test func aKilledHolderLeavesNoStaleLock() throws {
        let dir = try TempDirectory()
        let path = dir.path("killed.sqlite")
        try RunStore.open(at: path, access: .readWrite()).close()
        // --no-fork: the process we start is the one holding the lock (no child keeps it).
        let holder = try Self.flock(["--no-fork", RunStore.lockPath(forStore: path), "sleep", "60"], wait: false)
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        // Wait until the other process holds the lock.
        var blocked = false
        for _ in 0..<100 {
            do {
                try RunStore.open(at: path, access: .readWrite()).close()
                usleep(50_000)
            } catch let error as StoreError {
                #expect("\(error)".contains("is in use by another process"))
                blocked = true
                break
            }
        }
        #expect(blocked)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)
        // The kernel dropped the lock with the process: no stale lock, no wait.
        let store = try RunStore.open(at: path, access: .readWrite())
        #expect(try store.database.scalar("PRAGMA integrity_check") == .text("ok"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
