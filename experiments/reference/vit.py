"""Plain vision transformer (DeiT / timm `VisionTransformer`, and LV-ViT), written from
spec/cf-vit.md §1 and §13. Plain PyTorch, fp32; parameter names follow the official
checkpoints (spec/cf-vit.md §10), so `state_dict()` has the upstream key layout:

    cls_token, pos_embed, patch_embed.proj.{weight,bias},
    blocks.{i}.norm1.*, blocks.{i}.attn.qkv.*, blocks.{i}.attn.proj.*, blocks.{i}.norm2.*,
    blocks.{i}.mlp.fc1.*, blocks.{i}.mlp.fc2.*, norm.*, head.*
    LV-ViT stem: patch_embed.conv{1,2,3}.weight, patch_embed.bn{1,2,3}.*, patch_embed.proj.*
    LV-ViT aux head: aux_head.*

The layers here are shared with the two-stage models (twostage.py).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import ViTConfig


class PatchStem(nn.Module):
    """DeiT patch embedding: one Conv2d(C, D, k=patch, s=patch) with bias.
    Port of: ChenMnZ/CF-ViT deit/models_deit.py:41-57 (MultiResoPatchEmbed; one conv for any size)."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.proj = nn.Conv2d(cfg.in_chans, cfg.embed_dim, cfg.patch_size, cfg.patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [B, C, H, W] → [B, (H/p)·(W/p), D], tokens row-major (column fastest)
        return self.proj(x).flatten(2).transpose(1, 2)


class LVViTStem(nn.Module):
    """LV-ViT `PatchEmbed4_2`: conv7×7 s2 p3 → BN → ReLU → (conv3×3 → BN → ReLU)×2 → Conv2d(k=s=p/2).
    Port of: ChenMnZ/CF-ViT lvvit/models/layers.py:92-135 (MultiResoPatchEmbed4_2); the width 64 is
    `stem_channels` here. BN eps 1e-5; running statistics in eval mode, batch statistics in train mode."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        c = cfg.stem_channels
        self.conv1 = nn.Conv2d(cfg.in_chans, c, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv3 = nn.Conv2d(c, c, 3, stride=1, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)
        half = cfg.patch_size // 2
        self.proj = nn.Conv2d(c, cfg.embed_dim, half, stride=half)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [B, C, H, W] → [B, (H/p)·(W/p), D]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        return self.proj(x).flatten(2).transpose(1, 2)


def make_stem(cfg: ViTConfig) -> nn.Module:
    return LVViTStem(cfg) if cfg.stem == "lvvit" else PatchStem(cfg)


class Attention(nn.Module):
    """Multi-head self-attention that also returns the post-softmax map.
    Port of: CF-ViT deit/models_deit.py:60-80 (DeiT: softmax((q@kᵀ)·scale)) and
    lvvit/models/layers.py:203-238 (LV-ViT: softmax((q·scale)@kᵀ)). scale = head_dim^-0.5 is a power
    of two for every head width used here (16, 64), so both orders give the same bits."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor):
        # x: [B, N, D] → out [B, N, D], attn [B, heads, N, N]
        B, N, D = x.shape
        # qkv rows are [q (head-major) | k | v]: reshape (B, N, 3, heads, hd) as upstream.
        q, k, v = self.qkv(x).reshape(B, N, 3, self.num_heads, D // self.num_heads).permute(2, 0, 3, 1, 4)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(B, N, D)
        return self.proj(out), attn


class Mlp(nn.Module):
    """fc1 → exact (erf) GELU → fc2; keys `fc1`, `fc2` as timm's Mlp."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm block: x += s·attn(LN1 x); x += s·mlp(LN2 x).
    Port of: CF-ViT deit/models_deit.py:84-107 (s = 1) and lvvit/models/layers.py:151-173
    (`/skip_lam` with skip_lam = 2; ·0.5 is bit-identical to /2)."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.residual_scale = cfg.residual_scale
        self.norm1 = nn.LayerNorm(cfg.embed_dim, eps=cfg.ln_eps)
        self.attn = Attention(cfg.embed_dim, cfg.num_heads, cfg.qkv_bias)
        self.norm2 = nn.LayerNorm(cfg.embed_dim, eps=cfg.ln_eps)
        self.mlp = Mlp(cfg.embed_dim, cfg.mlp_hidden)

    def _scaled(self, y: torch.Tensor) -> torch.Tensor:
        return y if self.residual_scale == 1.0 else y * self.residual_scale

    def forward(self, x: torch.Tensor):
        # x: [B, N, D] → [B, N, D], attn [B, heads, N, N]
        a, attn = self.attn(self.norm1(x))
        x = x + self._scaled(a)
        x = x + self._scaled(self.mlp(self.norm2(x)))
        return x, attn


def classify(model: nn.Module, feats: torch.Tensor, normalize_aux: bool = False) -> torch.Tensor:
    """Class-token head, plus LV-ViT's aux head: + w·max over patch tokens (per class) of aux_head.
    `normalize_aux` divides by 1 + w (= 1.25), as the CF-ViT coarse stage does.
    Port of: CF-ViT lvvit/models/lvvit.py:211-216 (coarse, ÷1.25) and :287-291 (fine, no ÷)."""
    # feats: [B, N, D] after the final norm → [B, C]
    out = model.head(feats[:, 0])
    cfg = model.cfg if isinstance(model.cfg, ViTConfig) else model.cfg.backbone
    if cfg.aux_head:
        out = out + cfg.aux_weight * model.aux_head(feats[:, 1:]).max(dim=1).values
        if normalize_aux:
            out = out / (1.0 + cfg.aux_weight)
    return out


class ViT(nn.Module):
    """A plain ViT with the options of the Swift `ViTConfig`."""

    def __init__(self, cfg: ViTConfig):
        super().__init__()
        self.cfg = cfg
        D = cfg.embed_dim
        self.patch_embed = make_stem(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, cfg.num_patches + 1, D))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(D, eps=cfg.ln_eps)
        self.head = nn.Linear(D, cfg.num_classes)
        if cfg.aux_head:
            self.aux_head = nn.Linear(D, cfg.num_classes)

    def forward_features(self, x: torch.Tensor, return_attn: bool = False):
        # x: [B, C, H, W] → features [B, N+1, D] (final norm applied to every token)
        t = self.patch_embed(x)
        t = torch.cat((self.cls_token.expand(t.shape[0], -1, -1), t), dim=1) + self.pos_embed
        attns = []
        for blk in self.blocks:
            t, a = blk(t)
            if return_attn:
                attns.append(a)
        t = self.norm(t)
        return (t, attns) if return_attn else t

    def forward_head(self, feats: torch.Tensor) -> torch.Tensor:
        # LV-ViT (TokenLabeling) eval: head(cls) + w·max_tokens(aux_head(tokens)), no normalization.
        return classify(self, feats)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))
