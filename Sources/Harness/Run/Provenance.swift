import Digest
import Foundation

/// Where a number came from: code revision, machine, threads, BLAS.
public enum Provenance {
    /// `git rev-parse --short=12 HEAD` in `directory`, with "-dirty" when tracked files differ
    /// from it; "unknown" outside a git checkout.
    public static func gitRevision(in directory: URL) -> String {
        guard let rev = run("git", ["-C", directory.path, "rev-parse", "--short=12", "HEAD"]), !rev.isEmpty else {
            return "unknown"
        }
        let status = run("git", ["-C", directory.path, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? rev : rev + "-dirty"
    }

    public static var hostName: String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        return String(cString: buf)
    }

    /// A path as documents show it: relative to the project root when inside it, so committed
    /// reports and baselines do not carry the folder a clone happens to live in.
    public static func displayPath(_ path: String, root: URL? = SuiteLoader.projectRoot()) -> String {
        guard let root else { return path }
        let prefix = root.standardizedFileURL.path + "/"
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : path
    }

    private static func run(_ tool: String, _ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Canonical JSON (sorted keys) and its SHA-256: the identity of a run's configuration.
public enum SpecHash {
    public static func canonicalJSON<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }

    public static func hash(_ parts: [String]) -> String {
        SHA256.hex(of: Array(parts.joined(separator: "\n").utf8))
    }
}
