import ArgumentParser
import Foundation
import Harness
import ImageData
import RunStore
import Tensor

// How option values parse, for values whose types live in libraries that must not import the
// argument parser. A value that does not parse is refused by ArgumentParser with the option's
// name and the value ("The value '3/2' is invalid for '--shard <i/n>'"); enumerations list
// their values in --help.

/// `--shard i/n` (RunStore's own syntax; `run` takes a single index).
extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension RunOptions.Mode: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        [
            "accuracy": "both stages on every image, stored per image; the η sweep comes from the store",
            "throughput": "real batched early exit at the suite's η, timed after warm-up",
            "all": "accuracy, then throughput",
        ]
    }
}

extension ComputeSettings.Strategy: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        [
            "auto": "images for batches of 2+ images per thread, else rows",
            "images": "each thread runs whole micro-batches",
            "rows": "every GEMM split across threads",
            "blas": "OpenBLAS's own threads",
        ]
    }
}

extension ResampleFilter: ExpressibleByArgument {}

/// `--eta 0.5,0.7,0.9`: numbers separated by commas (ranges are checked by the command).
struct EtaList: ExpressibleByArgument, CustomStringConvertible {
    var values: [Double]
    /// As given, for messages about the values.
    var description: String

    init?(argument: String) {
        var values: [Double] = []
        for part in argument.split(separator: ",") {
            guard let v = Double(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(v)
        }
        self.values = values
        description = argument
    }
}

/// `--weights MODEL=FILE`: a model row's weights file.
struct WeightsAssignment: ExpressibleByArgument {
    var model: String
    var file: String

    init?(argument: String) {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex,
              argument.index(after: eq) != argument.endIndex else { return nil }
        model = String(argument[..<eq])
        file = String(argument[argument.index(after: eq)...])
    }
}
