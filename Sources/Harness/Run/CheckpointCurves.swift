import Checkpoint
import Foundation
import RunStore
import ViT

/// The curves a released CF-ViT / LF-ViT checkpoint carries besides its weights: the official
/// evaluation (`dynamic_inference.py` mode 1, spec/cf-vit.md §10, spec/lf-vit.md §7) writes
/// `anytime_classification` = [coarse top-1, fine top-1] and `budgeted_batch_classification` =
/// [flops_list, acc_list] (η = 0.00 … 0.99) back into the .pth. They are the authors' own
/// measurement of that file, so the report overlays them beside the measured curve.
enum CheckpointCurves {
    static let budgetedKey = "budgeted_batch_classification"
    static let anytimeKey = "anytime_classification"

    /// The points of both curves found in `extras` (none when absent or not lists of numbers).
    /// Accuracies are percentages in the official files (correct / 50000 · 100); lists whose
    /// values are all ≤ 1 are taken as fractions already.
    static func parse(_ extras: [String: CheckpointValue]) -> [CheckpointCurvePoint] {
        var points: [CheckpointCurvePoint] = []
        if let lists = listOfLists(extras[budgetedKey]), lists.count == 2, lists[0].count == lists[1].count {
            let top1 = fractions(lists[1])
            for (p, (g, a)) in zip(lists[0], top1).enumerated() {
                points.append(CheckpointCurvePoint(curve: .budgeted, point: p, eta: Double(p) / 100, gflops: g, top1: a))
            }
        }
        if let values = numbers(extras[anytimeKey]), !values.isEmpty {
            let flops = numbers(extras["flop"]) ?? numbers(extras["flops"])
            for (s, a) in fractions(values).enumerated() {
                let g = flops.flatMap { $0.count == values.count ? $0[s] : nil }
                points.append(CheckpointCurvePoint(curve: .anytime, point: s, eta: nil, gflops: g, top1: a))
            }
        }
        return points
    }

    private static func fractions(_ values: [Double]) -> [Double] {
        values.allSatisfy { $0 <= 1 } ? values : values.map { $0 / 100 }
    }

    /// A list of numbers: a pickled list, or (safetensors metadata) a JSON array in a string.
    private static func numbers(_ value: CheckpointValue?) -> [Double]? {
        guard let value else { return nil }
        if case let .string(text) = value {
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSNumber])?.map(\.doubleValue)
        }
        return value.numbers
    }

    private static func listOfLists(_ value: CheckpointValue?) -> [[Double]]? {
        guard let value else { return nil }
        switch value {
        case let .list(items):
            let lists = items.compactMap { numbers($0) }
            return lists.count == items.count ? lists : nil
        case let .string(text):
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[NSNumber]])?
                .map { $0.map(\.doubleValue) }
        default:
            return nil
        }
    }
}
