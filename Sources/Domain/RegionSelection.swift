/// The region the second stage refined on one image, in the coarse grid's cell indices
/// (`cell = row · gridSide + column`, row-major, 0-based). The model produces it, the store
/// keeps it (table `selections`), the report draws it.
public struct RegionSelection: Equatable, Sendable {
    /// LF-ViT's m×m window on the coarse grid: top-left cell (row, column) and side.
    public struct Window: Equatable, Sendable, Codable {
        public var row: Int
        public var column: Int
        public var size: Int

        public init(row: Int, column: Int, size: Int) {
            self.row = row
            self.column = column
            self.size = size
        }
    }

    /// How the region was chosen; the stored `kind` column.
    public enum Kind: String, Sendable, CaseIterable {
        /// CF-ViT: the informative coarse cells anywhere on the grid.
        case cells
        /// LF-ViT: the K best cells inside one window.
        case window
    }

    /// Side of the coarse grid (7 for 7×7).
    public var gridSide: Int
    /// The refined cells in selection order (descending score): CF-ViT's informative cells,
    /// LF-ViT's top-K cells inside the window. Stage 2 lays out their fine tokens in this order.
    public var cells: [Int]
    /// LF-ViT's window; nil for CF-ViT.
    public var window: Window?
    /// Stage-1 global class attention, one value per coarse cell (for figures), when kept.
    public var gcaScores: [Float]?

    public init(gridSide: Int, cells: [Int], window: Window? = nil, gcaScores: [Float]? = nil) {
        self.gridSide = gridSide
        self.cells = cells
        self.window = window
        self.gcaScores = gcaScores
    }

    public var kind: Kind { window == nil ? .cells : .window }

    /// Fine-grid patch indices of the refined cells in stage-2 order: all top-left children,
    /// then all top-right, bottom-left, bottom-right (`get_index`, spec/cf-vit.md §5).
    /// A coarse cell q = r·g + c has top-left child (2r)·(2g) + 2c.
    public var fineIndices: [Int] {
        let g = gridSide
        let tl = cells.map { q in (2 * (q / g)) * (2 * g) + 2 * (q % g) }
        return tl + tl.map { $0 + 1 } + tl.map { $0 + 2 * g } + tl.map { $0 + 2 * g + 1 }
    }
}
