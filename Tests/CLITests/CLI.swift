import Foundation
import PNGFile
import Tensor

/// Runs the built `repro` binary (built beside the test bundle by `swift build --build-tests`).
enum CLI {
    static var binary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("repro").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ args: [String], cwd: String? = nil, environment: [String: String?] = [:]) throws -> Result {
        let p = start(args, cwd: cwd, environment: environment)
        let out = p.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        return Result(status: p.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// environment: variables to set (a nil value removes one) on top of this process's.
    static func start(_ args: [String], cwd: String? = nil, environment: [String: String?] = [:],
                      executable: String? = nil) -> (process: Process, stdout: Pipe, stderr: Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = args
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try! p.run()
        return (p, out, err)
    }

    /// `/bin/sh -c command` (mounting a tmpfs and the like).
    static func shell(_ command: String) throws -> Result {
        let p = start(["-c", command], executable: "/bin/sh")
        let out = p.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        return Result(status: p.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    static func temporaryDirectory(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "repro-cli-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A small labelled folder of random PNGs and a suite with seeded random-weight tiny models.
enum Fixture {
    static func dataset(in dir: String, classes: Int = 3, perClass: Int, seed: UInt64 = 1) throws -> String {
        var rng = SeededRandom(seed: seed)
        let root = dir + "/val"
        for c in 0..<classes {
            let folder = root + "/class\(c)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let w = 120 + rng.nextInt(below: 30), h = 120 + rng.nextInt(below: 30)
                let pixels = (0..<(w * h * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                try PNGWriter.write(pixels: pixels, width: w, height: h, channels: 3, to: folder + "/img\(i).png")
            }
        }
        return root
    }

    static let tinyBackbone = #"{"image_size": 112, "patch_size": 8, "embed_dim": 32, "depth": 5, "num_heads": 2, "mlp_hidden": 64, "num_classes": 3}"#

    /// A suite file with a plain ViT, a CF-ViT and an LF-ViT on random weights.
    static func suite(in dir: String, data: String, extraModels: String = "") throws -> String {
        let text = """
        {
          "name": "cli",
          "dataset": {"path": "\(data)"},
          "eta": [0.5, 1.0],
          "throughput": {"batch": 4, "images": 8, "warmup": 1},
          "models": [
            {"name": "vit", "weights": "random:1", "preprocessing": "small112",
             "spec": {"kind": "vit", "config": \(tinyBackbone)}},
            {"name": "cf-vit", "weights": "random:2", "preprocessing": "small112", "baseline": "vit",
             "spec": {"kind": "cf-vit", "config": {"method": "cf-vit", "backbone": \(tinyBackbone)}}},
            {"name": "lf-vit", "weights": "random:3", "preprocessing": "small112", "baseline": "vit",
             "spec": {"kind": "lf-vit", "config": {"method": "lf-vit", "backbone": \(tinyBackbone)}}}\(extraModels)
          ]
        }
        """
        let path = dir + "/suite.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
