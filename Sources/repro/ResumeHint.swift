import Foundation

/// The line a stopped or failed run ends with: the exact command that resumes it.
enum ResumeHint {
    static func print(_ what: String) {
        let line = "repro: \(what); what was committed is kept. The same command resumes the run:\n  "
            + shellQuoted(CommandLine.arguments) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Arguments as a POSIX shell reads them back: plain words as they are, others in single quotes.
    static func shellQuoted(_ args: [String]) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@%+")
        return args.map { a in
            !a.isEmpty && a.allSatisfy(plain.contains) ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
