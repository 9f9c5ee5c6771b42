"""Index maths of the two selection rules: CF-ViT's global top-k and LF-ViT's window search.

Scores are the per-cell stage-1 scores [B, S²] (row-major over the S×S coarse grid). Every sort
is a *stable* descending sort, so ties go to the lower index (the official code uses the unstable
`torch.argsort`, whose tie order is unspecified: spec/cf-vit.md §5, spec/lf-vit.md §5.1).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


def rank_desc(score: torch.Tensor) -> torch.Tensor:
    """Stable descending argsort along the last dim (ties: lower index first)."""
    return torch.sort(score, dim=-1, descending=True, stable=True).indices


def fine_children(cells: torch.Tensor, coarse_grid: int) -> torch.Tensor:
    """Four full-resolution children of each coarse cell, grouped by corner:
    [TL(c_1..c_k), TR(…), BL(…), BR(…)]. Cell t = r·S + c → TL = (2r)(2S) + 2c = 4t − 2c.
    Port of: CF-ViT utils.py:290-302 (`get_index`); LF-ViT utils.py:392-397."""
    # cells: [B, k] → [B, 4k]
    tl = 4 * cells - 2 * (cells % coarse_grid)
    return torch.cat((tl, tl + 1, tl + 2 * coarse_grid, tl + 2 * coarse_grid + 1), dim=1)


@dataclass
class CFSelection:
    informative: torch.Tensor  # [B, k] coarse cells, descending score
    uninformative: torch.Tensor  # [B, Nc−k] the rest, descending score


def cf_select(score: torch.Tensor, k: int) -> CFSelection:
    """Port of: CF-ViT deit/models_deit.py:229-234 (argsort descending, split at k)."""
    order = rank_desc(score)
    return CFSelection(order[:, :k], order[:, k:])


def lf_windows(grid: int, m: int):
    """Every m×m window of the grid, stride 1, top-left (i, j) in row-major order (w = i·(S−m+1)+j).

    Returns (info [W, m²], uninfo [W, S²−m²], corners [W, 2]) as int64 tensors:
    - info: the window's cells, row-major;
    - uninfo: the cells outside, in the official order: for each window row its columns left of
      the window then right of it, then all rows above the window, then all rows below.
    Port of: LF-ViT utils.py:317-354 (`generate(S, m)`; spec/lf-vit.md §5.1, table §5.5)."""
    info, uninfo, corners = [], [], []
    for i in range(grid - m + 1):
        for j in range(grid - m + 1):
            inside = [r * grid + c for r in range(i, i + m) for c in range(j, j + m)]
            outside = [r * grid + c for r in range(i, i + m)
                       for c in list(range(0, j)) + list(range(j + m, grid))]
            outside += [r * grid + c for r in range(0, i) for c in range(grid)]
            outside += [r * grid + c for r in range(i + m, grid) for c in range(grid)]
            info.append(inside)
            uninfo.append(outside)
            corners.append((i, j))
    as_t = lambda rows, width: torch.tensor(rows, dtype=torch.long).reshape(len(rows), width)
    return as_t(info, m * m), as_t(uninfo, grid * grid - m * m), torch.tensor(corners, dtype=torch.long)


@dataclass
class LFSelection:
    window: torch.Tensor  # [B] chosen window index w*
    corner: torch.Tensor  # [B, 2] its top-left (i, j)
    window_sums: torch.Tensor  # [B, W] summed score of every window
    in_window_order: torch.Tensor  # [B, m²] window cells, descending score
    informative: torch.Tensor  # [B, K] the refined cells (descending score)
    outside: torch.Tensor  # [B, S²−m²] uninfo[w*], official order
    in_window_rest: torch.Tensor  # [B, m²−K] the window's other cells, descending score


def lf_select(score: torch.Tensor, grid: int, m: int, K: int) -> LFSelection:
    """Port of: LF-ViT utils.py:357-398 (`block_information`). Window score = plain sum of the
    cell scores in the window (:367-368); the chosen window is the first maximum (the official
    argsort[:, :1] on CPU picks the first of tied windows, spec/lf-vit.md §5.1)."""
    info, uninfo, corners = lf_windows(grid, m)
    sums = score[:, info].sum(dim=-1)  # [B, W]
    w = sums.argmax(dim=1)  # first maximal index
    cells = info[w]  # [B, m²] row-major
    order = rank_desc(torch.gather(score, 1, cells))
    ranked = torch.gather(cells, 1, order)
    return LFSelection(window=w, corner=corners[w], window_sums=sums, in_window_order=ranked,
                       informative=ranked[:, :K], outside=uninfo[w], in_window_rest=ranked[:, K:])


def rel_gap(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """(a − b) / max(|a|, |b|): relative gap between a higher and a lower score (float64)."""
    a, b = a.double(), b.double()
    den = torch.maximum(a.abs(), b.abs()).clamp_min(1e-30)
    return (a - b) / den
