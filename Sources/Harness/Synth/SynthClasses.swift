/// The classes of the synthetic dataset. Each class is a two-level texture filling one patch of
/// the image: a coarse pattern (visible at any scale) crossed with the orientation of fine
/// stripes inside it (two pixels per period at the smallest scale, which the half-resolution
/// view cannot resolve). See SynthRenderer for how an image is drawn.
public enum SynthClasses {
    /// Coarse patterns, in class order.
    public enum Coarse: Int, CaseIterable, Sendable {
        case horizontalBands, verticalBands, checker, dots, diagonalBands

        var slug: String {
            switch self {
            case .horizontalBands: return "hbands"
            case .verticalBands: return "vbands"
            case .checker: return "checker"
            case .dots: return "dots"
            case .diagonalBands: return "diagonal"
            }
        }
    }

    /// Fine stripe orientation inside the coarse pattern's foreground.
    public enum Fine: Int, CaseIterable, Sendable {
        case horizontal, vertical

        var slug: String { self == .horizontal ? "hlines" : "vlines" }
    }

    public static let count = Coarse.allCases.count * Fine.allCases.count

    public static func coarse(_ classIndex: Int) -> Coarse { Coarse(rawValue: classIndex / Fine.allCases.count)! }
    public static func fine(_ classIndex: Int) -> Fine { Fine(rawValue: classIndex % Fine.allCases.count)! }

    /// Folder name; the two-digit prefix makes sorted folder order equal class order.
    public static func folderName(_ classIndex: Int) -> String {
        let prefix = classIndex < 10 ? "0\(classIndex)" : "\(classIndex)"
        return "\(prefix)_\(coarse(classIndex).slug)_\(fine(classIndex).slug)"
    }
}
