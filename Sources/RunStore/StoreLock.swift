import Foundation

/// Who holds a store's lock, as written into the lock file by the holder.
public struct LockHolder: Equatable, Sendable, CustomStringConvertible {
    public var pid: Int?
    public var host: String?
    public var since: String?
    public var command: String?

    public init(pid: Int?, host: String?, since: String?, command: String?) {
        self.pid = pid
        self.host = host
        self.since = since
        self.command = command
    }

    public var description: String {
        guard let pid else {
            return "another process (it recorded no details: a merge reading the store, or a "
                + "writer that is just starting)"
        }
        var text = "process \(pid)"
        if let host { text += " on \(host)" }
        if let command { text += " (\(command))" }
        if let since { text += ", since \(since)" }
        return text
    }

    /// The lock file's text: one `key=value` per line.
    var fileText: String {
        var lines: [String] = []
        if let pid { lines.append("pid=\(pid)") }
        if let host { lines.append("host=\(host)") }
        if let since { lines.append("since=\(since)") }
        if let command { lines.append("command=\(command.replacingOccurrences(of: "\n", with: " "))") }
        return lines.joined(separator: "\n") + "\n"
    }

    init(fileText: String) {
        var fields: [Substring: Substring] = [:]
        for line in fileText.split(separator: "\n") {
            if let eq = line.firstIndex(of: "=") { fields[line[..<eq]] = line[line.index(after: eq)...] }
        }
        self.init(pid: fields["pid"].flatMap { Int($0) }, host: fields["host"].map(String.init),
                  since: fields["since"].map(String.init), command: fields["command"].map(String.init))
    }

    static func current() -> LockHolder {
        // The program's name and its first few arguments, e.g. "repro run --suite table2".
        let arguments = CommandLine.arguments
        let program = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "?"
        let command = ([program] + arguments.dropFirst().prefix(7)).joined(separator: " ")
        return LockHolder(pid: Int(getpid()), host: hostName(), since: Timestamp.string(from: Date()),
                          command: command)
    }

    /// gethostname(2): no name-service lookup, so it cannot stall on a broken DNS setup.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(cString: buffer)
    }
}

/// What a writer does when another process holds the store.
public enum LockWait: Sendable {
    /// Fail at once with `StoreError.locked` naming the holder.
    case fail
    /// Wait (polling), calling `onWait` once with the holder; nil timeout = forever.
    case wait(timeoutSeconds: Double?)
}

/// An advisory lock on a sidecar file `<store>.lock`, taken with flock(2).
///
/// Why flock and not SQLite's own locking or a lock row: SQLite holds its write lock only
/// for the length of a transaction, so two runners would interleave batches into the same
/// store between commits; a lock row survives a SIGKILL and then needs a liveness check
/// that cannot work across hosts. The kernel drops a flock the moment its holder dies, by
/// any signal, so a lock is never stale. flock locks belong to the open file description:
/// a second open of the same file — in another process or in this one — conflicts
/// exactly the same way, which is what the tests rely on.
///
/// The lock file is never deleted (deleting it while a waiter has it open would let two
/// holders lock two different inodes); the holder truncates its details on release.
final class StoreLock {
    let path: String
    private var fd: Int32
    /// True once the exclusive lock is held: only then may release() clear the details.
    private var holdsExclusive = false

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    static func lockPath(forStore storePath: String) -> String { storePath + ".lock" }

    /// Takes the exclusive (writer) lock and records this process as the holder.
    static func exclusive(storePath: String, wait: LockWait,
                          onWait: ((LockHolder) -> Void)?) throws -> StoreLock {
        let path = lockPath(forStore: storePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.lockFile(path: path, reason: errnoText()) }
        let lock = StoreLock(path: path, fd: fd)
        try lock.acquire(LOCK_EX, storePath: storePath, wait: wait, onWait: onWait)
        lock.holdsExclusive = true
        let text = Array(LockHolder.current().fileText.utf8)
        if ftruncate(fd, 0) != 0 || pwrite(fd, text, text.count, 0) != text.count {
            throw StoreError.lockFile(path: path, reason: errnoText())
        }
        return lock
    }

    /// Takes a shared lock (a reader that needs the store quiet, e.g. a merge source).
    /// Nil when no lock file exists: no writer has ever opened the store.
    static func shared(storePath: String) throws -> StoreLock? {
        let path = lockPath(forStore: storePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw StoreError.lockFile(path: path, reason: errnoText())
        }
        let lock = StoreLock(path: path, fd: fd)
        try lock.acquire(LOCK_SH, storePath: storePath, wait: .fail, onWait: nil)
        return lock
    }

    private func acquire(_ operation: Int32, storePath: String, wait: LockWait,
                         onWait: ((LockHolder) -> Void)?) throws {
        let start = Date()
        var notified = false
        while true {
            if flock(fd, operation | LOCK_NB) == 0 { return }
            if errno == EINTR { continue }
            guard errno == EWOULDBLOCK else {
                throw StoreError.lockFile(path: path, reason: StoreLock.errnoText())
            }
            let holder = readHolder()
            switch wait {
            case .fail:
                throw StoreError.locked(path: storePath, holder: holder)
            case .wait(let timeout):
                if !notified {
                    onWait?(holder)
                    notified = true
                }
                let waited = Date().timeIntervalSince(start)
                if let timeout, waited >= timeout {
                    throw StoreError.lockTimeout(path: storePath, holder: holder, seconds: waited)
                }
                usleep(100_000)
            }
        }
    }

    /// The holder's details, read from the lock file (a holder mid-write reads as partial).
    func readHolder() -> LockHolder {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return LockHolder(pid: nil, host: nil, since: nil, command: nil) }
        return LockHolder(fileText: String(decoding: buffer[..<n], as: UTF8.self))
    }

    func release() {
        guard fd >= 0 else { return }
        // Only the exclusive holder clears the details (a process that failed to get the lock
        // must not erase the holder's).
        if holdsExclusive { _ = ftruncate(fd, 0) }
        holdsExclusive = false
        close(fd)    // closing the description drops the flock
        fd = -1
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
