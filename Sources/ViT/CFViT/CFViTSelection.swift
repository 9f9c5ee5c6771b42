import Domain
import Tensor

/// CF-ViT informative region identification: the top k = ceil(α·Nc) coarse cells by score are
/// refined; every other cell keeps its stage-1 input token, in descending score order.
/// Port of: github.com/ChenMnZ/CF-ViT deit/models_deit.py:227-240 (argsort descending, split
/// at k). The official sort is unstable; ties are broken by lower index here (spec §5).
enum CFViTSelection {
    /// scores: [Nc = grid²] → selection and stage-2 layout
    static func select(scores: [Float], grid: Int, k: Int) -> Stage2Layout {
        let order = Classification.argsortDescending(scores)
        return Stage2Layout(selection: RegionSelection(gridSide: grid, cells: Array(order[..<k]), gcaScores: scores),
                            coarseCells: Array(order[k...]))
    }
}
