import ArgumentParser
import Foundation
import Harness

/// `repro synth`: writes the bundled synthetic dataset (issue 7) as ImageNet-style folders.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write the deterministic synthetic dataset used by the bundled models.",
        discussion: """
            Writes DIR/train/<class>/*.png and DIR/val/<class>/*.png (128×128 RGB) and \
            DIR/synth.json, which records the generator version, seed, counts and a SHA-256 \
            checksum of every image's pixels. The same options give the same pixels on every \
            machine. Re-running keeps files whose pixels already match, so an interrupted run \
            resumes; a folder holding a dataset with other options is refused.

            Each class is a textured patch whose fine detail decides the class: when the \
            detail is small it vanishes at half resolution, so a two-stage model's coarse \
            stage fails on those images while the full-resolution stage succeeds.
            """
    )

    enum SplitChoice: String, ExpressibleByArgument, CaseIterable {
        case train, val, all
    }

    @Option(name: .long, help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
    var out: String

    @Option(name: .long, help: "Which split to write.")
    var split: SplitChoice = .all

    @Option(name: .long, help: "Generator seed; the default is the bundled dataset's.")
    var seed: UInt64 = SynthParameters.defaultSeed

    @Option(name: .long, help: ArgumentHelp("Number of classes (1…\(SynthClasses.count)).", valueName: "N"))
    var classes: Int = SynthClasses.count

    @Option(name: .long, help: ArgumentHelp("Training images per class.", valueName: "N"))
    var trainPerClass: Int = 500

    @Option(name: .long, help: ArgumentHelp("Validation images per class.", valueName: "N"))
    var valPerClass: Int = 100

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1; got \(threads)") }
        do {
            try SynthParameters(seed: seed, classes: classes, trainPerClass: trainPerClass,
                                valPerClass: valPerClass).validate()
        } catch let error as SynthError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let parameters = SynthParameters(seed: seed, classes: classes, trainPerClass: trainPerClass,
                                         valPerClass: valPerClass)
        let splits: [SynthSplit] = split == .all ? SynthSplit.allCases : [split == .train ? .train : .val]
        let quiet = self.quiet
        // SynthError's description names the file and what to do; the parser prints it as is.
        let report = try SynthDataset.generate(into: out, parameters: parameters, splits: splits,
                                               threads: threads) { done, total in
            if !quiet { print("  \(done)/\(total) images") }
        }
        if !quiet {
            let m = report.manifest
            print("wrote \(report.written), kept \(report.kept) unchanged, in \(String(format: "%.1f", report.seconds)) s")
            for s in splits {
                if let r = m.splits[s.rawValue] { print("\(s.rawValue): \(r.images) images, checksum \(r.checksum)") }
            }
            print("manifest: \((out as NSString).appendingPathComponent(SynthManifest.fileName)) (checksum \(m.checksum))")
        }
    }
}
