import Domain

/// Where stage 2's tokens come from on one image: the fine tokens of the selected cells (in
/// the selection's order, grouped by corner: `RegionSelection.fineIndices`), then the stage-1
/// input tokens of `coarseCells`, in sequence order. The selection is what a run reports; the
/// coarse order is the model's own business.
struct Stage2Layout: Equatable {
    var selection: RegionSelection
    /// Coarse cells whose stage-1 input embeddings follow the fine tokens (CF-ViT: the rest in
    /// descending score; LF-ViT: outside the window, then the in-window leftovers, when kept).
    var coarseCells: [Int]
}
