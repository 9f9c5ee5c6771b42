"""PyTorch reference of the plain ViT (DeiT / LV-ViT), CF-ViT and LF-ViT; see README.md."""
from .config import TwoStageConfig, ViTConfig
from .twostage import TwoStageViT, downsample
from .vit import ViT

__all__ = ["ViTConfig", "TwoStageConfig", "ViT", "TwoStageViT", "downsample"]
