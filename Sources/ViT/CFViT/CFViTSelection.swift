import Tensor

/// CF-ViT informative region identification: the top k = ceil(α·Nc) coarse cells by score are
/// refined; every other cell keeps its stage-1 input token, in descending score order.
/// Port of: github.com/ChenMnZ/CF-ViT deit/models_deit.py:227-240 (argsort descending, split
/// at k). The official sort is unstable; ties are broken by lower index here (spec §5).
enum CFViTSelection {
    /// scores: [Nc] → selection
    static func select(scores: [Float], k: Int) -> RegionSelection {
        let order = Classification.argsortDescending(scores)
        var gap = Float.infinity
        if k > 0 && k < order.count {
            gap = RegionSelection.relativeGap(scores[order[k - 1]], scores[order[k]])
        }
        return RegionSelection(refinedCells: Array(order[..<k]), coarseCells: Array(order[k...]),
                               minRelativeGap: gap)
    }
}
