"""Configurations of the reference models, mirroring the Swift `ViTConfig` and `TwoStageConfig`.

The JSON written by `to_json()` uses exactly the Swift CodingKeys (Sources/ViT/ViTConfig.swift,
Sources/ViT/TwoStageConfig.swift), so a fixture's `config` metadata decodes with the Swift types.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ViTConfig:
    image_size: int
    patch_size: int
    embed_dim: int
    depth: int
    num_heads: int
    mlp_hidden: int
    in_chans: int = 3
    qkv_bias: bool = True
    ln_eps: float = 1e-6
    num_classes: int = 1000
    stem: str = "patch"  # "patch" (DeiT / timm) or "lvvit" (LV-ViT conv stem)
    stem_channels: int = 64
    residual_scale: float = 1.0  # LV-ViT: 1/skip_lam = 1/2
    aux_head: bool = False
    aux_weight: float = 0.25

    # Key order of the Swift example in the brief; JSON objects are unordered anyway.
    _KEYS = ("image_size", "patch_size", "in_chans", "embed_dim", "depth", "num_heads", "mlp_hidden",
             "qkv_bias", "ln_eps", "num_classes", "stem", "stem_channels", "residual_scale",
             "aux_head", "aux_weight")

    def __post_init__(self):
        if self.stem not in ("patch", "lvvit"):
            raise ValueError(f"stem must be 'patch' or 'lvvit' (got {self.stem!r})")
        if self.image_size % self.patch_size != 0:
            raise ValueError(f"image_size {self.image_size} is not a multiple of patch_size {self.patch_size}")
        if self.embed_dim % self.num_heads != 0:
            raise ValueError(f"embed_dim {self.embed_dim} is not divisible by num_heads {self.num_heads}")
        if self.stem == "lvvit" and self.patch_size % 2 != 0:
            raise ValueError("patch_size must be even for the lvvit stem")

    @property
    def head_dim(self) -> int:
        return self.embed_dim // self.num_heads

    @property
    def grid_size(self) -> int:
        return self.image_size // self.patch_size

    @property
    def num_patches(self) -> int:
        return self.grid_size ** 2

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self._KEYS}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: dict) -> "ViTConfig":
        return cls(**{k: d[k] for k in cls._KEYS if k in d})

    @classmethod
    def deit_small(cls, image_size: int = 224, num_classes: int = 1000) -> "ViTConfig":
        """timm `deit_small_patch16_224` / CF-ViT `cf_deit_small` (spec/cf-vit.md §1)."""
        return cls(image_size=image_size, patch_size=16, embed_dim=384, depth=12, num_heads=6,
                   mlp_hidden=1536, qkv_bias=True, ln_eps=1e-6, num_classes=num_classes)

    @classmethod
    def lvvit_small(cls, image_size: int = 224, num_classes: int = 1000) -> "ViTConfig":
        """LV-ViT-S / CF-ViT `cf_lvvit_small` (spec/cf-vit.md §1)."""
        return cls(image_size=image_size, patch_size=16, embed_dim=384, depth=16, num_heads=6,
                   mlp_hidden=1152, qkv_bias=False, ln_eps=1e-5, num_classes=num_classes,
                   stem="lvvit", stem_channels=64, residual_scale=0.5, aux_head=True, aux_weight=0.25)


METHODS = ("cf-vit", "lf-vit")
REGION_SCORES = ("gca", "negative-gca", "random", "last-block")
ROUNDINGS = ("ceil", "floor")


@dataclass(frozen=True)
class TwoStageConfig:
    method: str  # "cf-vit" | "lf-vit"
    backbone: ViTConfig  # backbone.image_size is the full-resolution (stage-2) input side
    alpha: float = 0.5  # CF-ViT: k = round(alpha · Nc)
    beta: float = 0.99  # GCA EMA factor
    gca_start_block: int = 3  # first 0-based block in the EMA
    region_size: int = 5  # LF-ViT window side m
    k_ratio: float = 0.88  # LF-ViT: K = round(k_ratio · m²)
    rounding: str = "ceil"  # "ceil" (current official) | "floor" (old int(α·Nc))
    feature_reuse: bool = True
    region_score: str = "gca"  # "gca" | "negative-gca" | "random" | "last-block"
    random_seed: int = 0
    reuse_coarse_tokens: bool = True  # LF-ViT: keep the stage-1 input tokens of non-refined cells

    _KEYS = ("method", "backbone", "alpha", "beta", "gca_start_block", "region_size", "k_ratio",
             "rounding", "feature_reuse", "region_score", "random_seed", "reuse_coarse_tokens")

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS} (got {self.method!r})")
        if self.region_score not in REGION_SCORES:
            raise ValueError(f"region_score must be one of {REGION_SCORES} (got {self.region_score!r})")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {ROUNDINGS} (got {self.rounding!r})")
        if self.backbone.grid_size % 2 != 0:
            raise ValueError(f"backbone grid {self.backbone.grid_size} is odd: stage 1 needs half of it")
        if not 0 <= self.gca_start_block < self.backbone.depth:
            raise ValueError(f"gca_start_block {self.gca_start_block} is outside 0…{self.backbone.depth - 1}")
        if self.method == "lf-vit" and not 1 <= self.region_size <= self.coarse_grid:
            raise ValueError(f"region_size {self.region_size} does not fit the {self.coarse_grid}² grid")

    @property
    def fine_grid(self) -> int:
        return self.backbone.grid_size

    @property
    def coarse_grid(self) -> int:
        return self.fine_grid // 2

    @property
    def coarse_cells(self) -> int:
        return self.coarse_grid ** 2

    def _round(self, x: float) -> int:
        # Python float arithmetic (double), as the official code: 0.88·25 = 22.0 exactly.
        return math.ceil(x) if self.rounding == "ceil" else math.floor(x)

    @property
    def refined_cells(self) -> int:
        """CF-ViT k = ceil(α·Nc) (models_deit.py:230); LF-ViT K = ceil(0.88·m²) (utils.py:380)."""
        if self.method == "cf-vit":
            return min(self.coarse_cells, max(0, self._round(self.alpha * self.coarse_cells)))
        m2 = self.region_size ** 2
        return min(m2, max(0, self._round(self.k_ratio * m2)))

    @property
    def stage2_tokens(self) -> int:
        k = self.refined_cells
        if self.method == "lf-vit" and not self.reuse_coarse_tokens:
            return 1 + 4 * k
        return 1 + 4 * k + self.coarse_cells - k

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self._KEYS}
        d["backbone"] = self.backbone.to_dict()
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: dict) -> "TwoStageConfig":
        kw = {k: d[k] for k in cls._KEYS if k in d}
        kw["backbone"] = ViTConfig.from_dict(d["backbone"])
        return cls(**kw)

    def with_(self, **changes) -> "TwoStageConfig":
        return replace(self, **changes)
