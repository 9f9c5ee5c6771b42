/// Which coarse cells stage 2 refines, and in which order its tokens are laid out.
public struct RegionSelection: Equatable, Sendable {
    /// LF-ViT's m×m window on the coarse grid.
    public struct Window: Equatable, Sendable, Codable {
        public var row: Int
        public var column: Int
        public var size: Int
    }

    /// Coarse cells refined at full resolution, in the order their fine tokens enter stage 2
    /// (descending score). Each contributes its four children, grouped by corner.
    public var refinedCells: [Int]
    /// Coarse cells whose stage-1 input embeddings follow the fine tokens, in sequence order.
    public var coarseCells: [Int]
    /// LF-ViT only.
    public var window: Window?
    /// Smallest relative score gap at a selection boundary (k-th vs next cell; best vs second
    /// window). Below ~1e-5 another implementation may legitimately choose differently.
    public var minRelativeGap: Float

    public init(refinedCells: [Int], coarseCells: [Int], window: Window? = nil, minRelativeGap: Float = .infinity) {
        self.refinedCells = refinedCells
        self.coarseCells = coarseCells
        self.window = window
        self.minRelativeGap = minRelativeGap
    }

    /// Fine-grid patch indices of the refined cells in stage-2 order: all top-left children,
    /// then all top-right, bottom-left, bottom-right (`get_index`, spec/cf-vit.md §5).
    /// A coarse cell q = r·g + c has top-left child (2r)·(2g) + 2c.
    public func fineIndices(coarseGrid g: Int) -> [Int] {
        let tl = refinedCells.map { q in (2 * (q / g)) * (2 * g) + 2 * (q % g) }
        return tl + tl.map { $0 + 1 } + tl.map { $0 + 2 * g } + tl.map { $0 + 2 * g + 1 }
    }

    static func relativeGap(_ a: Float, _ b: Float) -> Float {
        let scale = max(abs(a), abs(b))
        return scale == 0 ? 0 : abs(a - b) / scale
    }
}
