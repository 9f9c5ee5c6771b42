"""CF-ViT and LF-ViT over the plain ViT layers, written from spec/cf-vit.md §2-§7 and
spec/lf-vit.md §3-§5 (official code: ChenMnZ/CF-ViT @84a05dd, edgeai1/LF-ViT @1b44ff3).

State-dict keys are the official ones (spec/cf-vit.md §10, spec/lf-vit.md §8): the plain-ViT keys
with `pos_embed_list.{0,1}` instead of `pos_embed`, plus `reuse_block.0.*` (LayerNorm) and
`reuse_block.1.fc{1,2}.*` (Mlp). CF-ViT and LF-ViT share the layout; only the selection differs.

    model = TwoStageViT(cfg)
    coarse, fine = model(x)                         # both stages for every image (official `forward`)
    logits, refined = model.forward_early_exit(x, eta)
    t = model.trace(x)                              # every intermediate the parity fixtures store
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import TwoStageConfig
from .selection import cf_select, fine_children, lf_select
from .vit import Block, Mlp, classify, make_stem


def downsample(x: torch.Tensor) -> torch.Tensor:
    """Stage-1 input: bilinear, align_corners=True, no antialias, on the normalized tensor.
    Port of: CF-ViT dynamic_inference.py:160 / LF-ViT dynamic_inference.py:147-153."""
    # x: [B, 3, H, W] → [B, 3, H/2, W/2]
    return F.interpolate(x, size=(x.shape[-2] // 2, x.shape[-1] // 2), mode="bilinear", align_corners=True)


def gather_tokens(x: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    # x: [B, N, D], idx: [B, n] → [B, n, D]   (upstream `batch_index_select`, utils.py:274)
    return x[torch.arange(x.shape[0], device=x.device)[:, None], idx]


@dataclass
class Stage1:
    embeddings: torch.Tensor  # e1 = [cls; patch(x_lo)] + pos0      [B, Nc+1, D]
    features: torch.Tensor  # final-norm output, all tokens         [B, Nc+1, D]
    logits: torch.Tensor  # [B, C] (LV-ViT: ÷ 1.25)
    gca: torch.Tensor  # head mean of the EMA, cls row, patch columns [B, Nc]
    last_cls_attn: torch.Tensor  # the same row of the last block only  [B, Nc]


class TwoStageViT(nn.Module):
    def __init__(self, cfg: TwoStageConfig, dense_fine_pos_embed: Optional[bool] = None):
        """`dense_fine_pos_embed` only affects the training-time path `selection=False` (all 4Nc
        fine tokens). The official DeiT models (CF-ViT deit/models_deit.py:226-242, LF-ViT
        deit/models_deit.py:227-241) feed `cat(cls, patches) + reuse` there WITHOUT
        `pos_embed_list.1`; CF-ViT's LV-ViT adds it before the branch (lvvit/models/lvvit.py:246).
        None reproduces that: False for the patch stem, True for the LV-ViT stem."""
        super().__init__()
        self.cfg = cfg
        b = cfg.backbone
        D, nc = b.embed_dim, cfg.coarse_cells
        self.patch_embed = make_stem(b)  # shared by both stages
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))  # shared by both stages
        self.pos_embed_list = nn.ParameterList([nn.Parameter(torch.zeros(1, nc + 1, D)),
                                                nn.Parameter(torch.zeros(1, 4 * nc + 1, D))])
        self.blocks = nn.ModuleList(Block(b) for _ in range(b.depth))
        self.norm = nn.LayerNorm(D, eps=b.ln_eps)
        self.head = nn.Linear(D, b.num_classes)
        if b.aux_head:
            self.aux_head = nn.Linear(D, b.num_classes)
        self.reuse_block = nn.Sequential(nn.LayerNorm(D, eps=b.ln_eps), Mlp(D, b.mlp_hidden))
        self.dense_fine_pos_embed = (b.stem == "lvvit") if dense_fine_pos_embed is None else dense_fine_pos_embed

    # MARK: stage 1

    def stage1(self, x_lo: torch.Tensor) -> Stage1:
        """Port of: CF-ViT deit/models_deit.py:191-209, lvvit/models/lvvit.py:182-216;
        LF-ViT deit/models_deit.py:190-209."""
        t = self.patch_embed(x_lo)
        e1 = torch.cat((self.cls_token.expand(t.shape[0], -1, -1), t), dim=1) + self.pos_embed_list[0]
        beta = float(self.cfg.beta)
        # Factors are float32(β) and float32(1 − β) with 1 − β taken in double, as upstream:
        # (1 − 0.99) → 0.01f. The EMA starts from 0, so its first step is exactly 0.01f·A.
        g, z, attn = None, e1, None
        for l, blk in enumerate(self.blocks):
            z, attn = blk(z)
            if l >= self.cfg.gca_start_block:
                g = (1.0 - beta) * attn if g is None else beta * g + (1.0 - beta) * attn
        feats = self.norm(z)
        logits = classify(self, feats, normalize_aux=True)
        return Stage1(e1, feats, logits, g.mean(dim=1)[:, 0, 1:], attn.mean(dim=1)[:, 0, 1:])

    def region_score(self, s1: Stage1) -> torch.Tensor:
        """The per-cell score that is ranked (Swift `RegionScore`); [B, Nc]."""
        kind = self.cfg.region_score
        if kind == "gca":
            return s1.gca
        if kind == "negative-gca":
            return -s1.gca
        if kind == "last-block":
            return s1.last_cls_attn
        raise NotImplementedError("region_score 'random' is not part of the Python reference")

    # MARK: stage 2

    def fine_embeddings(self, x_hi: torch.Tensor, feats1: torch.Tensor) -> torch.Tensor:
        """[cls; patch(x_hi)] + [0; up2(reuse(feats1))], before pos_embed_list.1: [B, 4Nc+1, D].
        Port of: CF-ViT deit/models_deit.py:211-226 (LV-ViT lvvit.py:232-245); LF-ViT :211-227.
        Float order as upstream: (patch + reuse) + pos1; the class token gets an explicit 0."""
        t = self.patch_embed(x_hi)
        x = torch.cat((self.cls_token.expand(t.shape[0], -1, -1), t), dim=1)
        if not self.cfg.feature_reuse:
            return x
        B, _, D = feats1.shape
        g = self.cfg.coarse_grid
        r = self.reuse_block(feats1[:, 1:])  # LN + MLP on the normed stage-1 patch tokens
        r = r.transpose(1, 2).reshape(B, D, g, g)
        r = F.interpolate(r, size=(2 * g, 2 * g), mode="nearest").flatten(2).transpose(1, 2)
        return x + torch.cat((r.new_zeros(B, 1, D), r), dim=1)

    def assemble(self, s1: Stage1, x_emb: torch.Tensor, score: torch.Tensor) -> tuple[torch.Tensor, dict]:
        """The stage-2 sequence and what was selected.
        CF-ViT (models_deit.py:228-240): [cls, TL(inf), TR(inf), BL(inf), BR(inf), e1(uninf)].
        LF-ViT (models_deit.py:229-238, utils.py:357-398): [cls, 4K fine, e1(uninfo[w*]),
        e1(in-window leftovers)]; the last two groups are dropped when reuse_coarse_tokens is off."""
        cfg = self.cfg
        e2 = x_emb + self.pos_embed_list[1]
        B = e2.shape[0]
        cls_idx = torch.zeros(B, 1, dtype=torch.long, device=e2.device)
        k = cfg.refined_cells
        if cfg.method == "cf-vit":
            sel = cf_select(score, k)
            cells, coarse = sel.informative, [sel.uninformative]
            info = {"selection": sel}
        else:
            sel = lf_select(score, cfg.coarse_grid, cfg.region_size, k)
            cells = sel.informative
            coarse = [sel.outside, sel.in_window_rest] if cfg.reuse_coarse_tokens else []
            info = {"selection": sel}
        fine_idx = torch.cat((cls_idx, fine_children(cells, cfg.coarse_grid) + 1), dim=1)
        parts = [gather_tokens(e2, fine_idx)] + [gather_tokens(s1.embeddings, c + 1) for c in coarse]
        info["cells"] = cells
        return torch.cat(parts, dim=1), info

    def run_blocks(self, tokens: torch.Tensor) -> torch.Tensor:
        for blk in self.blocks:
            tokens, _ = blk(tokens)
        return self.norm(tokens)

    def stage2_input(self, x_hi: torch.Tensor, s1: Stage1, selection: bool = True):
        x_emb = self.fine_embeddings(x_hi, s1.features)
        if not selection:
            # Training-time path `informative_selection=False`: all 4Nc fine tokens (see __init__).
            return (x_emb + self.pos_embed_list[1] if self.dense_fine_pos_embed else x_emb), {}
        return self.assemble(s1, x_emb, self.region_score(s1))

    # MARK: entry points

    def forward(self, x_hi: torch.Tensor, x_lo: Optional[torch.Tensor] = None, selection: bool = True):
        """Both stages for every image (official `forward`); differentiable. Returns (coarse, fine)
        logits [B, C]. `selection=False` is the official training path with all 4Nc fine tokens."""
        s1 = self.stage1(downsample(x_hi) if x_lo is None else x_lo)
        tokens, _ = self.stage2_input(x_hi, s1, selection)
        return s1.logits, classify(self, self.run_blocks(tokens))

    @torch.no_grad()
    def forward_early_exit(self, x_hi: torch.Tensor, eta: float, x_lo: Optional[torch.Tensor] = None):
        """Real batched early exit: stage 1 on the batch, stage 2 only on the images whose max
        softmax is < η, compared in float32 (CF-ViT models_deit.py:250-312, LF-ViT :249-314).
        Returns (logits [B, C], refined [B] bool); exited rows hold the stage-1 logits."""
        s1 = self.stage1(downsample(x_hi) if x_lo is None else x_lo)
        conf = F.softmax(s1.logits, dim=1).max(dim=1).values
        refined = conf < torch.tensor(eta, dtype=torch.float32)
        out = s1.logits.clone()
        if refined.any():
            sub = Stage1(*(getattr(s1, f)[refined] for f in Stage1.__dataclass_fields__))
            tokens, _ = self.stage2_input(x_hi[refined], sub)
            out[refined] = classify(self, self.run_blocks(tokens))
        return out, refined

    @torch.no_grad()
    def trace(self, x_hi: torch.Tensor, x_lo: Optional[torch.Tensor] = None) -> dict:
        """Every intermediate the parity fixtures store (keys as in the fixture files), plus
        `_selection` (the selection object) for the near-tie analysis."""
        x_lo = downsample(x_hi) if x_lo is None else x_lo
        s1 = self.stage1(x_lo)
        tokens, info = self.stage2_input(x_hi, s1)
        out = {
            "input": x_hi, "input_lo": x_lo,
            "stage1.logits": s1.logits, "stage1.features": s1.features,
            "stage1.gca": self.region_score(s1),
            "stage2.cells": info["cells"], "stage2.tokens": tokens,
            "stage2.logits": classify(self, self.run_blocks(tokens)),
            "_selection": info["selection"],
        }
        if self.cfg.method == "lf-vit":
            sel = info["selection"]
            m = torch.full_like(sel.corner[:, :1], self.cfg.region_size)
            out["lf.window"] = torch.cat((sel.corner, m), dim=1)
        return out
