"""Optional: compare the reference models with the official CF-ViT / LF-ViT code on the CPU.

The official repositories are not part of this repository. Clone them yourself, then run

    python3 experiments/reference/check_official.py --cf-vit PATH/TO/CF-ViT --lf-vit PATH/TO/LF-ViT

(checked against ChenMnZ/CF-ViT @84a05dd and edgeai1/LF-ViT @1b44ff3). The needed files are copied
to a temporary folder and made CPU-only there (`.cuda()` removed, `torch.device('cuda')` → cpu,
`@register_model` and two imports that timm 1.x lacks dropped); nothing of theirs is kept. For
random O(1) weights (loaded strictly into the official classes, i.e. the key layouts agree) it
prints the max |Δ| of both stages' logits and whether the selected fine indices
(`important_index`) are equal, plus `forward_early_exit` at a few thresholds. The official index
maths hard-code 16-pixel patches; for the tiny (patch 4) models the image sizes they are given are
scaled by 16/patch, which leaves the grids unchanged.
"""
from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference import TwoStageConfig, TwoStageViT, ViTConfig, downsample  # noqa: E402
from reference.init import calibrate_batchnorm_, random_init_  # noqa: E402
from reference.selection import fine_children  # noqa: E402

CPU_PATCHES = [(".cuda()", ""), ("torch.device('cuda')", "torch.device('cpu')"), ("@register_model", ""),
               ("from timm.models.helpers import load_pretrained", ""),
               ("from timm.models.resnet import resnet26d, resnet50d, resnet101d", "")]


def cpu_copy(src: Path, files: list, dst: Path) -> Path:
    for f in files:
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        text = (src / f).read_text()
        for a, b in CPU_PATCHES:
            text = text.replace(a, b)
        (dst / f).write_text(text)
    return dst


def import_fresh(root: Path, module: str):
    for name in [n for n in sys.modules if n == "utils" or n.split(".")[0] in ("deit", "lvvit")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(root))


def compare(label: str, mine: TwoStageViT, official: nn.Module, batch: int, early_exit: bool,
            all_exit: bool = True) -> bool:
    cfg = mine.cfg
    size = cfg.backbone.image_size
    random_init_(mine, 0)
    calibrate_batchnorm_(mine.patch_embed, torch.randn(4, 3, size, size), 0)
    official.load_state_dict(mine.state_dict(), strict=True)
    mine.eval(), official.eval()
    official.informative_selection = True
    scale = 16 // cfg.backbone.patch_size
    official.img_size_list = [size // 2 * scale, size * scale]
    official.image_size = size * scale
    x = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(1))
    x_lo = downsample(x)
    with torch.no_grad():
        ref = official([x_lo, x])
        t = mine.trace(x, x_lo)
    d1 = (ref[0] - t["stage1.logits"]).abs().max().item()
    d2 = (ref[1] - t["stage2.logits"]).abs().max().item()
    ok = d1 <= 1e-5 and d2 <= 1e-5
    line = f"{label}: |Δ coarse| {d1:.3g}, |Δ fine| {d2:.3g}"
    if hasattr(official, "important_index"):
        same = torch.equal(official.important_index, fine_children(t["stage2.cells"], cfg.coarse_grid))
        ok &= same
        line += f", important_index equal: {same}"
    if early_exit:
        conf = torch.softmax(t["stage1.logits"], 1).max(1).values
        # LF-ViT's forward_early_exit crashes on an all-exit batch (spec/lf-vit.md §10.3).
        for eta in ((0.0,) if all_exit else ()) + (conf.max().item(), 1.01):  # max: a mixed batch
            with torch.no_grad():
                a = official.forward_early_exit([x_lo, x], eta)
                a = a[0] if isinstance(a, tuple) else a  # LF-ViT also returns two counts
                b, _ = mine.forward_early_exit(x, eta, x_lo)
            d = (a - b).abs().max().item()
            ok &= d <= 1e-5
            line += f", early exit η={eta:.3g}: {d:.3g}"
    print(("ok  " if ok else "BAD ") + line)
    return ok


def tiny(image_size: int) -> ViTConfig:
    return ViTConfig(image_size=image_size, patch_size=4, embed_dim=32, depth=5, num_heads=2, mlp_hidden=64,
                     num_classes=10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cf-vit", type=Path, required=True, help="checkout of github.com/ChenMnZ/CF-ViT")
    ap.add_argument("--lf-vit", type=Path, required=True, help="checkout of github.com/edgeai1/LF-ViT")
    args = ap.parse_args()
    torch.set_num_threads(2)
    ok = True
    ln6 = partial(nn.LayerNorm, eps=1e-6)
    with tempfile.TemporaryDirectory() as tmp:
        cf = cpu_copy(args.cf_vit, ["deit/models_deit.py", "lvvit/models/layers.py", "lvvit/models/lvvit.py",
                                    "lvvit/models/__init__.py", "utils.py"], Path(tmp) / "cf")
        (cf / "lvvit" / "__init__.py").touch()
        (cf / "deit" / "__init__.py").touch()
        CF = import_fresh(cf, "deit.models_deit").CFVisionTransformer
        LV = import_fresh(cf, "lvvit.models.lvvit").CF_LV_ViT
        for img in (56, 72):
            off = CF(img_size_list=[img // 2, img], patch_size=4, embed_dim=32, depth=5, num_heads=2, mlp_ratio=2,
                     num_classes=10, qkv_bias=True, norm_layer=ln6)
            ok &= compare(f"CF-ViT tiny {img // 8}x{img // 8}", TwoStageViT(TwoStageConfig("cf-vit", tiny(img))),
                          off, 3, early_exit=img == 56)  # official early exit hard-codes the 7×7 grid
        for img in (224, 288):
            off = CF(img_size_list=[img // 2, img], patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4,
                     qkv_bias=True, norm_layer=ln6)
            ok &= compare(f"CF-ViT DeiT-S {img // 32}x{img // 32}",
                          TwoStageViT(TwoStageConfig("cf-vit", ViTConfig.deit_small(img))), off, 2, early_exit=img == 224)
            # The official LV-ViT stem is 64 wide: a narrow 5-block LV-ViT keeps this quick.
            lv = ViTConfig(image_size=img, patch_size=16, embed_dim=48, depth=5, num_heads=3, mlp_hidden=144,
                           qkv_bias=False, ln_eps=1e-5, num_classes=10, stem="lvvit", stem_channels=64,
                           residual_scale=0.5, aux_head=True)
            off = LV(img_size_list=[img // 2, img], patch_size=16, embed_dim=48, depth=5, num_heads=3, mlp_ratio=3.,
                     num_classes=10, skip_lam=2., return_dense=True, mix_token=True)
            ok &= compare(f"CF-ViT LV-ViT {img // 32}x{img // 32}", TwoStageViT(TwoStageConfig("cf-vit", lv)), off, 2, True)
        lf = cpu_copy(args.lf_vit, ["deit/models_deit.py", "utils.py"], Path(tmp) / "lf")
        (lf / "deit" / "__init__.py").touch()
        LF = import_fresh(lf, "deit.models_deit").LFVisionTransformer
        for img, m in ((56, 3), (56, 5), (56, 6), (72, 5), (72, 6), (72, 8), (224, 5), (288, 8)):
            if img < 100:
                cfg = TwoStageConfig("lf-vit", tiny(img), region_size=m)
                off = LF(img_size_list=[img // 2, img], patch_size=4, embed_dim=32, depth=5, num_heads=2, mlp_ratio=2,
                         num_classes=10, qkv_bias=True, norm_layer=ln6)
            else:
                cfg = TwoStageConfig("lf-vit", ViTConfig.deit_small(img), region_size=m)
                off = LF(img_size_list=[img // 2, img], patch_size=16, embed_dim=384, depth=12, num_heads=6,
                         mlp_ratio=4, qkv_bias=True, norm_layer=ln6)
            off.region_size = m  # HEAD hard-codes m = 5 unless the input is 224 (spec/lf-vit.md §10.1)
            ok &= compare(f"LF-ViT {'tiny' if img < 100 else 'DeiT-S'} {img // 8 if img < 100 else img // 32}²  m={m}",
                          TwoStageViT(cfg), off, 3 if img < 100 else 2,
                          early_exit=(img, m) == (224, 5), all_exit=False)  # its early exit hard-codes 14×14
    print("all equal" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
