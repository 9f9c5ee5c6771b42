import Harness

/// Connects the suite runner's "generate the bundled data on first use" to the generator.
enum SynthHook {
    static func install() {
        // Filled in when the synthetic generator lands (issue 7).
    }
}
