"""What the three bundled models are and how their data is read: shared by train.py,
evaluate.py, export.py and make_bundled_fixtures.py.

The architecture is a small DeiT (patch 8, 112 px → 14×14 tokens, stage 1 at 56 px → 7×7),
built with the reference classes in experiments/reference so that the exported state dicts are
exactly what the Swift port runs.
"""
from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

EXPERIMENTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXPERIMENTS))

from reference import TwoStageConfig, TwoStageViT, ViT, ViTConfig  # noqa: E402

REPO = EXPERIMENTS.parent
TRAIN_DIR = EXPERIMENTS / "train"
LOG_DIR = TRAIN_DIR / "logs"
MODEL_DIR = EXPERIMENTS / "models"

NAMES = ("bundled-vit", "bundled-cf-vit", "bundled-lf-vit")
# Where run_all.sh leaves each model's checkpoints inside its WORK folder.
WORK_SUBDIR = {"bundled-vit": "vit", "bundled-cf-vit": "cf", "bundled-lf-vit": "lf"}
IMAGE = 128  # stored image side
CROP = 112  # model input side (centre crop at evaluation, random crop in training)
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def backbone() -> ViTConfig:
    return ViTConfig(image_size=CROP, patch_size=8, embed_dim=96, depth=6, num_heads=3, mlp_hidden=384,
                     qkv_bias=True, ln_eps=1e-6, num_classes=10)


def config(name: str):
    """The reference config of a bundled model (the Swift preset of the same name)."""
    if name == "bundled-vit":
        return backbone()
    if name == "bundled-cf-vit":
        return TwoStageConfig("cf-vit", backbone())  # α 0.5 → k = 25 of 49, β 0.99, GCA from block 3
    if name == "bundled-lf-vit":
        return TwoStageConfig("lf-vit", backbone(), region_size=5)  # m 5, K = 22
    raise ValueError(f"unknown bundled model {name!r} (expected one of {', '.join(NAMES)})")


# The all-tokens phase of CF-ViT / LF-ViT trains the fine stage WITH pos_embed_list.1 (as the
# CF-ViT LV-ViT code and the papers' Fig. 2 do), not as the official DeiT code, which leaves it
# out there (spec/cf-vit.md §11). With a 30-epoch schedule the DeiT quirk would leave the table
# untrained until the switch to region selection. See README.md.
DENSE_FINE_POS_EMBED = True


def build(name: str) -> nn.Module:
    cfg = config(name)
    if isinstance(cfg, ViTConfig):
        return ViT(cfg)
    return TwoStageViT(cfg, dense_fine_pos_embed=DENSE_FINE_POS_EMBED)


@torch.no_grad()
def init_weights_(model: nn.Module, seed: int) -> nn.Module:
    """DeiT / timm initialisation: trunc-normal(0.02) for Linear weights, class token and position
    embeddings, zero biases, unit LayerNorms; the patch conv keeps PyTorch's default (as timm's
    DeiT). Drawn from one generator in module order, so the same seed gives the same weights for
    CF-ViT and LF-ViT (identical parameter sets)."""
    g = torch.Generator().manual_seed(seed)

    def tn(t: torch.Tensor):
        t.copy_((torch.randn(t.shape, generator=g) * 0.02).clamp_(-0.04, 0.04))

    for name, mod in model.named_modules():
        if isinstance(mod, nn.Linear):
            tn(mod.weight)
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.LayerNorm):
            nn.init.ones_(mod.weight)
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.Conv2d):
            bound = 1.0 / (mod.weight[0].numel() ** 0.5)  # kaiming_uniform(a=√5) bound, seeded here
            mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) * 2 * bound - bound)
            mod.bias.copy_(torch.rand(mod.bias.shape, generator=g) * 2 * bound - bound)
    for name, p in model.named_parameters():
        if name == "cls_token" or name.startswith("pos_embed"):
            tn(p)
    return model


# MARK: data

def list_split(root: Path, split: str):
    """(paths, labels) of an ImageNet-style split: class folders in sorted order, files sorted."""
    base = Path(root) / split
    if not base.is_dir():
        raise SystemExit(f"{base} does not exist: generate the data with "
                         f"`swift run -c release repro synth --out {root}`")
    classes = sorted(d.name for d in base.iterdir() if d.is_dir())
    paths, labels = [], []
    for c, name in enumerate(classes):
        files = sorted(p for p in (base / name).iterdir() if p.suffix.lower() == ".png")
        paths += files
        labels += [c] * len(files)
    return paths, torch.tensor(labels, dtype=torch.long), classes


def load_split(root: Path, split: str):
    """All images of a split as uint8 [N, 3, 128, 128] plus labels and class names."""
    from PIL import Image
    paths, labels, classes = list_split(root, split)
    out = torch.empty(len(paths), 3, IMAGE, IMAGE, dtype=torch.uint8)
    for i, p in enumerate(paths):
        with Image.open(p) as im:
            a = np.asarray(im.convert("RGB"))
        if a.shape != (IMAGE, IMAGE, 3):
            raise SystemExit(f"{p}: expected a {IMAGE}×{IMAGE} RGB image, got {a.shape}")
        out[i] = torch.from_numpy(a).permute(2, 0, 1)
    return out, labels, classes, [str(p.relative_to(root)) for p in paths]


def normalize(u8: torch.Tensor) -> torch.Tensor:
    """ToTensor (÷255) then Normalize, in torchvision's float order."""
    return (u8.float().div(255) - MEAN) / STD


def eval_batch(u8: torch.Tensor) -> torch.Tensor:
    """Evaluation transform: Resize(128, bicubic) is the identity on 128² images (Pillow returns
    a copy for an unchanged size), CenterCrop(112) takes rows / columns 8…119."""
    off = (IMAGE - CROP) // 2
    return normalize(u8[:, :, off:off + CROP, off:off + CROP])


def train_batch(u8: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Training augmentation: a random 112 crop of the 128 image (offsets 0…16) and a horizontal
    flip with probability ½, drawn from `g`."""
    n = u8.shape[0]
    oy = torch.randint(0, IMAGE - CROP + 1, (n,), generator=g)
    ox = torch.randint(0, IMAGE - CROP + 1, (n,), generator=g)
    flip = torch.rand(n, generator=g) < 0.5
    out = torch.empty(n, 3, CROP, CROP, dtype=torch.uint8)
    for i in range(n):
        c = u8[i, :, oy[i]:oy[i] + CROP, ox[i]:ox[i] + CROP]
        out[i] = c.flip(2) if flip[i] else c
    return normalize(out)


# MARK: provenance

def versions() -> dict:
    return {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()}


def repro_flops(name: str, repro: str = "swift run -c release repro") -> list:
    """Per-stage cumulative GFLOPs (six decimals) of a bundled preset, as the Swift counter gives
    them (`repro flops --model NAME --json`; `repro` is how to invoke the CLI)."""
    import shlex
    import subprocess
    out = subprocess.run(shlex.split(repro) + ["flops", "--model", name, "--json"], check=True,
                         capture_output=True, text=True, cwd=REPO).stdout
    report = json.loads(out[out.index("{"):])
    if report.get("model") != name:
        raise SystemExit(f"`repro flops --model {name}` answered for {report.get('model')!r}")
    return [round(c / 1e9, 6) for c in report["cumulative"]]


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def write_json(path: Path, obj) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(obj, indent=1) + "\n")
