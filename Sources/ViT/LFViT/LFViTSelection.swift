import Domain
import Tensor

/// LF-ViT's neighbourhood global class attention (NGCA): the m×m window of the coarse grid with
/// the largest summed score, then its top K = ceil(kRatio·m²) cells.
/// Port of: github.com/edgeai1/LF-ViT utils.py `generate` (:317-354) and `block_information`
/// (:357-398), as specified in spec/lf-vit.md §5.
enum LFViTSelection {
    /// Cells of window (i, j), row-major: `info[w]` of `generate`.
    static func windowCells(row i: Int, column j: Int, size m: Int, grid s: Int) -> [Int] {
        var cells: [Int] = []
        for r in i..<(i + m) { for c in j..<(j + m) { cells.append(r * s + c) } }
        return cells
    }

    /// Cells outside window (i, j) in the official order (`uninfo[w]`): for each window row the
    /// columns left of it then right of it; then the full rows above; then the full rows below.
    static func outsideCells(row i: Int, column j: Int, size m: Int, grid s: Int) -> [Int] {
        var cells: [Int] = []
        for r in i..<(i + m) {
            for c in 0..<j { cells.append(r * s + c) }
            for c in (j + m)..<s { cells.append(r * s + c) }
        }
        for r in 0..<i { for c in 0..<s { cells.append(r * s + c) } }
        for r in (i + m)..<s { for c in 0..<s { cells.append(r * s + c) } }
        return cells
    }

    /// scores: [S²] → selection (window, K refined cells) and stage-2 layout (then the outside
    /// cells and the in-window leftovers when `keepCoarse`).
    static func select(scores: [Float], grid s: Int, windowSize m: Int, k: Int, keepCoarse: Bool) -> Stage2Layout {
        // Windows in row-major order of their top-left corner; sums in row-major cell order
        // (the official reduction runs on the GPU, so its order is unknown); first maximum wins.
        var best = (row: 0, column: 0, sum: -Float.infinity)
        for i in 0...(s - m) {
            for j in 0...(s - m) {
                var sum: Float = 0
                for cell in windowCells(row: i, column: j, size: m, grid: s) { sum += scores[cell] }
                if sum > best.sum { best = (i, j, sum) }
            }
        }
        let inside = windowCells(row: best.row, column: best.column, size: m, grid: s)
        let order = Classification.argsortDescending(inside.map { scores[$0] })
        let refined = order[..<k].map { inside[$0] }
        let leftovers = order[k...].map { inside[$0] }
        let coarse = keepCoarse
            ? outsideCells(row: best.row, column: best.column, size: m, grid: s) + leftovers
            : []
        let window = RegionSelection.Window(row: best.row, column: best.column, size: m)
        return Stage2Layout(selection: RegionSelection(gridSide: s, cells: refined, window: window, gcaScores: scores),
                            coarseCells: coarse)
    }
}
