import Foundation
import Testing

/// Every command documents itself, and user mistakes end with one clear message, a non-zero
/// exit and nothing written.
struct HelpAndErrorsTests {
    static let commands = ["run", "report", "check", "show", "forward", "preprocess", "bench", "flops", "merge", "synth"]

    @Test(arguments: commands)
    func everyCommandHasHelp(command: String) throws {
        let r = try CLI.run([command, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: repro \(command)"))
        #expect(r.stdout.contains("OPTIONS:"))
    }

    @Test func rootHelpListsCommands() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for c in Self.commands { #expect(r.stdout.contains(c), "\(c) missing from the overview") }
    }

    @Test func unknownSuiteIsNamed() throws {
        let dir = CLI.temporaryDirectory("unknown-suite")
        let r = try CLI.run(["--suite", "no-such-suite", "--db", dir + "/r.sqlite"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("no-such-suite"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    @Test func missingDataFolderIsNamed() throws {
        let dir = CLI.temporaryDirectory("missing-data")
        let suite = try Fixture.suite(in: dir, data: dir + "/nowhere")
        let r = try CLI.run(["--suite", suite, "--db", dir + "/r.sqlite", "--reports", dir + "/Reports"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("data folder not found") && r.stderr.contains("nowhere") && r.stderr.contains("--data"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    @Test func missingWeightsAreNamedBeforeAnythingIsWritten() throws {
        let dir = CLI.temporaryDirectory("missing-weights")
        let data = try Fixture.dataset(in: dir, perClass: 2)
        let suite = try Fixture.suite(in: dir, data: data)
        let r = try CLI.run(["--suite", suite, "--db", dir + "/r.sqlite", "--weights", "cf-vit=" + dir + "/absent.pth"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("absent.pth") && r.stderr.contains("cf-vit"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
    }

    @Test func weightsForUnknownModelAreRefused() throws {
        let dir = CLI.temporaryDirectory("weights-unknown")
        let data = try Fixture.dataset(in: dir, perClass: 1)
        let suite = try Fixture.suite(in: dir, data: data)
        let r = try CLI.run(["--suite", suite, "--db", dir + "/r.sqlite", "--weights", "nope=x.pth"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("nope"))
    }

    /// A bad value ends the command before anything runs, with a message naming the option.
    @Test func badOptionValuesAreRefused() throws {
        let cases = [["--shard", "3/2"], ["--shard", "1"], ["--shard", "0,1/2"], ["--eta", "0.5,abc"], ["--eta", "2"],
                     ["--batch", "0"], ["--mode", "fast"], ["--strategy", "fast"], ["--weights", "model-without-file"]]
        for args in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(args[0]), "\(args): \(r.stderr)")
        }
        let mode = try CLI.run(["--mode", "fast"])
        #expect(mode.stderr.contains("'fast'") && mode.stderr.contains("'accuracy', 'throughput' or 'all'"), "\(mode.stderr)")
        let flops = try CLI.run(["flops", "--model", "deit-s", "--convention", "fvcore-eval"])
        #expect(flops.status != 0 && flops.stderr.contains("--convention") && flops.stderr.contains("macs-only"))
    }

    /// Options that take one of a fixed set of values list them in --help.
    @Test func enumeratedOptionsListTheirValues() throws {
        let run = try CLI.run(["run", "--help"]).stdout
        for value in ["accuracy", "throughput", "all", "images", "rows", "blas", "auto"] {
            #expect(run.contains("\n        \(value) "), "run --help does not list '\(value)'")
        }
        let flops = try CLI.run(["flops", "--help"]).stdout
        for value in ["official", "fvcore", "fvcore-train-bn", "macs-only", "ceil", "floor", "counted", "omitted"] {
            #expect(flops.contains("\n        \(value) "), "flops --help does not list '\(value)'")
        }
    }

    @Test func flopsPrintsThePublishedConstant() throws {
        let r = try CLI.run(["flops", "--model", "cf-vit-deit-s-7x7"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1101957888") && r.stdout.contains("4022324736"))
        let bad = try CLI.run(["flops", "--model", "lf-vit-deit-s-7x7", "--m", "9"])
        #expect(bad.status != 0 && bad.stderr.contains("region_size"))
    }
}
