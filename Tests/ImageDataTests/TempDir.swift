import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import ImageData

/// A scratch folder for tests that build files the repository cannot hold (FIFOs, symlink
/// loops, non-UTF-8 names, empty folders). Removed on deinit.
final class TempDir {
    let path: String
    var raw: RawPath { RawPath(path) }

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("imagedata-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func mkdir(_ rel: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + rel, withIntermediateDirectories: true)
    }

    /// Writes `bytes` at a raw relative path (parent folders must exist).
    func write(_ rel: RawPath, _ bytes: [UInt8]) throws {
        let full = raw.appending(rel)
        let fd = full.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    func write(_ rel: String, _ bytes: [UInt8]) throws { try write(RawPath(rel), bytes) }

    /// Copies a fixture image.
    func copyFixture(_ name: String, to rel: String) throws {
        try write(rel, [UInt8](Data(contentsOf: Fixtures.images.appendingPathComponent(name))))
    }

    func symlink(_ rel: String, to target: String) throws {
        guard Glibc.symlink(target, path + "/" + rel) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func fifo(_ rel: String) throws {
        guard mkfifo(path + "/" + rel, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
