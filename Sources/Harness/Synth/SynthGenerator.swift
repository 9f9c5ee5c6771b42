import Digest
import Dispatch
import Foundation
import PNGFile

/// What a generation did, for the CLI's summary and the suite's log.
public struct SynthGenerationReport: Sendable {
    public var written: Int
    public var kept: Int
    public var seconds: Double
    public var manifest: SynthManifest
}

/// Writes the synthetic dataset as ImageNet-style folders of PNG files plus `synth.json`.
/// Each image depends only on (seed, split, class, index), so the work is split across
/// threads in any order; re-running keeps every file whose pixels already match, so an
/// interrupted generation resumes where it stopped.
public enum SynthDataset {
    /// Generates `splits` under `root` (created if needed) and returns the manifest written.
    /// Throws `SynthError.manifestMismatch` if `root` holds a dataset with other parameters.
    public static func generate(into root: String, parameters: SynthParameters,
                                splits: [SynthSplit] = SynthSplit.allCases,
                                threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil)
        throws -> SynthGenerationReport
    {
        try parameters.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let manifestPath = (root as NSString).appendingPathComponent(SynthManifest.fileName)
        var records: [String: SynthManifest.SplitRecord] = [:]
        if FileManager.default.fileExists(atPath: manifestPath) {
            let old = try SynthManifest.read(from: manifestPath)
            guard old.describes(parameters) else {
                throw SynthError.manifestMismatch(path: manifestPath, detail: difference(old, parameters))
            }
            records = old.splits
        }
        // Record the parameters before any image is written, without the splits about to be
        // (re)written: an interrupted run then leaves a manifest that refuses other parameters
        // and claims no split it has not finished.
        for split in splits { records[split.rawValue] = nil }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw SynthError.io(path: root, detail: "cannot create the folder: \(error.localizedDescription)")
        }
        try SynthManifest(parameters: parameters, splits: records).write(to: manifestPath)

        var written = 0, kept = 0
        let total = splits.reduce(0) { $0 + parameters.classes * parameters.imagesPerClass($1) }
        var doneBefore = 0
        for split in splits {
            let result = try generateSplit(split, root: root, parameters: parameters, threads: threads) { done in
                progress?(doneBefore + done, total)
            }
            written += result.written
            kept += result.kept
            doneBefore += result.written + result.kept
            records[split.rawValue] = SynthManifest.SplitRecord(images: result.written + result.kept,
                                                                checksum: result.checksum)
        }
        let manifest = SynthManifest(parameters: parameters, splits: records)
        try manifest.write(to: manifestPath)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return SynthGenerationReport(written: written, kept: kept, seconds: seconds, manifest: manifest)
    }

    /// The manifest of a finished dataset at `root` with these parameters and splits, or nil
    /// (absent, other parameters, a split missing or unreadable). A cheap check that trusts the
    /// manifest; `generate` verifies every file instead.
    public static func completedManifest(at root: String, parameters: SynthParameters,
                                         splits: [SynthSplit] = SynthSplit.allCases) -> SynthManifest? {
        let path = (root as NSString).appendingPathComponent(SynthManifest.fileName)
        guard let m = try? SynthManifest.read(from: path), m.describes(parameters) else { return nil }
        for split in splits {
            guard let r = m.splits[split.rawValue],
                  r.images == parameters.classes * parameters.imagesPerClass(split) else { return nil }
        }
        return m
    }

    /// The checksum a split would have, computed from rendered pixels without touching disk
    /// (used by tests and to verify a folder).
    public static func splitChecksum(_ split: SynthSplit, parameters: SynthParameters, threads: Int = 1) -> String {
        let ids = imageIDs(split, parameters: parameters)
        var hashes = [String](repeating: "", count: ids.count)
        hashes.withUnsafeMutableBufferPointer { out in
            forEachChunk(ids.count, threads: threads) { range in
                for i in range {
                    out[i] = SHA256.hex(of: SynthRenderer.render(ids[i], seed: parameters.seed))
                }
            }
        }
        return checksum(ids: ids, pixelHashes: hashes)
    }

    /// All images of a split in manifest order: class-major, then index.
    public static func imageIDs(_ split: SynthSplit, parameters: SynthParameters) -> [SynthImageID] {
        var ids: [SynthImageID] = []
        ids.reserveCapacity(parameters.classes * parameters.imagesPerClass(split))
        for c in 0..<parameters.classes {
            for i in 0..<parameters.imagesPerClass(split) {
                ids.append(SynthImageID(split: split, classIndex: c, index: i))
            }
        }
        return ids
    }

    // MARK: - Internals

    private struct SplitResult {
        var written: Int
        var kept: Int
        var checksum: String
    }

    private static func generateSplit(_ split: SynthSplit, root: String, parameters: SynthParameters,
                                      threads: Int, progress: (Int) -> Void) throws -> SplitResult
    {
        let ids = imageIDs(split, parameters: parameters)
        for c in 0..<parameters.classes {
            let dir = (root as NSString).appendingPathComponent("\(split.rawValue)/\(SynthClasses.folderName(c))")
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw SynthError.io(path: dir, detail: "cannot create the folder: \(error.localizedDescription)")
            }
        }
        let size = SynthParameters.imageSize
        var hashes = [String](repeating: "", count: ids.count)
        var infos = [SynthImageInfo](repeating: SynthImageInfo(scale: 0, x: 0, y: 0, side: 0, disc: false),
                                     count: ids.count)
        var wroteFlags = [Bool](repeating: false, count: ids.count)
        let lock = NSLock()
        var firstError: Error?
        var done = 0
        hashes.withUnsafeMutableBufferPointer { hashOut in
            wroteFlags.withUnsafeMutableBufferPointer { wroteOut in
              infos.withUnsafeMutableBufferPointer { infoOut in
                forEachChunk(ids.count, threads: threads) { range in
                    for i in range {
                        let id = ids[i]
                        let (pixels, info) = SynthRenderer.draw(id, seed: parameters.seed)
                        infoOut[i] = info
                        hashOut[i] = SHA256.hex(of: pixels)
                        let path = (root as NSString).appendingPathComponent(id.relativePath)
                        if !SynthPNGCheck.matches(path: path, pixels: pixels, width: size, height: size) {
                            do {
                                try PNGWriter.write(pixels: pixels, width: size, height: size, channels: 3, to: path)
                                wroteOut[i] = true
                            } catch {
                                lock.lock()
                                if firstError == nil { firstError = error }
                                lock.unlock()
                                return
                            }
                        }
                        lock.lock()
                        done += 1
                        let d = done
                        lock.unlock()
                        if d % 250 == 0 || d == ids.count { progress(d) }
                    }
                }
              }
            }
        }
        if let error = firstError {
            if let e = error as? SynthError { throw e }
            throw SynthError.io(path: root, detail: "\(error)")
        }
        try checkFolders(split, root: root, parameters: parameters)
        try writeTargets(split, root: root, ids: ids, infos: infos)
        let written = wroteFlags.reduce(0) { $0 + ($1 ? 1 : 0) }
        return SplitResult(written: written, kept: ids.count - written,
                           checksum: checksum(ids: ids, pixelHashes: hashes))
    }

    /// Removes temporary files an interrupted write left behind and refuses PNG files that are
    /// not part of this dataset (a loader would count them as images of the class).
    private static func checkFolders(_ split: SynthSplit, root: String, parameters: SynthParameters) throws {
        let fm = FileManager.default
        for c in 0..<parameters.classes {
            let dir = (root as NSString).appendingPathComponent("\(split.rawValue)/\(SynthClasses.folderName(c))")
            let expected = Set((0..<parameters.imagesPerClass(split)).map {
                (SynthImageID(split: split, classIndex: c, index: $0).relativePath as NSString).lastPathComponent
            })
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: dir)
            } catch {
                throw SynthError.io(path: dir, detail: "cannot list the folder: \(error.localizedDescription)")
            }
            var strays: [String] = []
            for name in names.sorted() where !expected.contains(name) {
                if name.contains(".png.tmp-") {
                    try? fm.removeItem(atPath: (dir as NSString).appendingPathComponent(name))
                } else {
                    strays.append(name)
                }
            }
            if !strays.isEmpty {
                throw SynthError.io(path: dir, detail: "holds \(strays.count) file(s) that are not part of this dataset "
                    + "(e.g. \(strays[0])); delete them or generate into an empty folder")
            }
        }
    }

    /// `<split>.csv`: one row per image with its class and the patch that decides it, so an
    /// analysis can ask whether a model refined the right region. Not part of the checksum
    /// (it is a function of the same inputs as the pixels).
    private static func writeTargets(_ split: SynthSplit, root: String, ids: [SynthImageID],
                                     infos: [SynthImageInfo]) throws {
        var text = "path,class,scale,x,y,side,shape\n"
        for (id, info) in zip(ids, infos) {
            text += "\(id.relativePath),\(id.classIndex),\(info.scale),\(info.x),\(info.y),\(info.side),"
            text += info.disc ? "disc\n" : "square\n"
        }
        let path = (root as NSString).appendingPathComponent("\(split.rawValue).csv")
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SynthError.io(path: path, detail: "cannot write: \(error.localizedDescription)")
        }
    }

    static func checksum(ids: [SynthImageID], pixelHashes: [String]) -> String {
        var h = SHA256()
        for (id, hash) in zip(ids, pixelHashes) { h.update(Array("\(id.relativePath) \(hash)\n".utf8)) }
        return h.finalizeHex()
    }

    /// Runs `body` over contiguous chunks of 0..<count on up to `threads` workers. Chunks are
    /// small (16 images) so that workers stay balanced whatever each image costs.
    static func forEachChunk(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let chunk = 16
        let chunks = (count + chunk - 1) / chunk
        if threads <= 1 || chunks <= 1 {
            for c in 0..<chunks { body(c * chunk..<min(count, (c + 1) * chunk)) }
            return
        }
        // A shared counter hands out chunks; at most `threads` workers run at once.
        let lock = NSLock()
        var next = 0
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: min(threads, chunks)) { _ in
                while true {
                    lock.lock()
                    let c = next
                    next += 1
                    lock.unlock()
                    if c >= chunks { return }
                    body(c * chunk..<min(count, (c + 1) * chunk))
                }
            }
        }
    }

    private static func difference(_ m: SynthManifest, _ p: SynthParameters) -> String {
        var parts: [String] = []
        if m.generator != SynthManifest.generatorName { parts.append("generator \(m.generator)") }
        if m.generatorVersion != SynthParameters.generatorVersion {
            parts.append("generator version \(m.generatorVersion), this build writes \(SynthParameters.generatorVersion)")
        }
        if m.imageSize != SynthParameters.imageSize { parts.append("image size \(m.imageSize)") }
        if m.seed != p.seed { parts.append("seed \(m.seed), asked \(p.seed)") }
        if m.classes != p.classes { parts.append("\(m.classes) classes, asked \(p.classes)") }
        if m.trainPerClass != p.trainPerClass { parts.append("train-per-class \(m.trainPerClass), asked \(p.trainPerClass)") }
        if m.valPerClass != p.valPerClass { parts.append("val-per-class \(m.valPerClass), asked \(p.valPerClass)") }
        return parts.joined(separator: "; ")
    }
}
