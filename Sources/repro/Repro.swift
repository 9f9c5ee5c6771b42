import ArgumentParser

@main
struct Repro: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repro",
        abstract: "Reproduce CF-ViT and LF-ViT results on the CPU.",
        subcommands: [Run.self, Report.self, Check.self, Show.self, Forward.self, Preprocess.self, Bench.self, Flops.self, Merge.self, Synth.self],
        defaultSubcommand: Run.self
    )
}
