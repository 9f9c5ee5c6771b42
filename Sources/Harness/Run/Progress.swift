import Foundation

/// Progress on stderr, so that stdout stays clean for results: a redrawn bar with images done,
/// images/s and ETA on a terminal; a plain line every 10% otherwise (logs, CI).
public final class Progress {
    private let label: String
    private let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private let interactive = isatty(2) != 0
    private var lastDecile = -1
    private var lastDraw: UInt64 = 0
    public private(set) var done = 0

    public init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 0)
    }

    private var stoppedAt: UInt64?

    /// Seconds from creation to now, or to `stop()`.
    public var elapsedSeconds: Double { Double((stoppedAt ?? DispatchTime.now().uptimeNanoseconds) - start) / 1e9 }

    /// Freezes the clock (before work that the rate should not include).
    public func stop() { stoppedAt = DispatchTime.now().uptimeNanoseconds }

    public func advance(by n: Int) {
        done += n
        let rate = elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0
        let eta = rate > 0 ? Double(max(total - done, 0)) / rate : 0
        if interactive {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - lastDraw > 100_000_000 || done >= total else { return }
            lastDraw = now
            let width = 28
            let filled = total > 0 ? min(width, width * done / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\(label) \(bar) \(done)/\(total)  \(String(format: "%.1f", rate)) img/s  ETA \(Self.clock(eta))  ")
        } else {
            let decile = total > 0 ? min(10, 10 * done / total) : 10
            if decile > lastDecile {
                lastDecile = decile
                write("\(label): \(done)/\(total) (\(decile * 10)%), \(String(format: "%.1f", rate)) img/s, ETA \(Self.clock(eta))\n")
            }
        }
    }

    public func finish(_ note: String = "") {
        if interactive { write("\n") }
        if !note.isEmpty { write("\(label): \(note)\n") }
    }

    public static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
