"""FLOPs of the reference models with fvcore 0.1.5 `FlopCountAnalysis`, the convention of the
official CF-ViT / LF-ViT constants (spec/cf-vit.md §9, spec/lf-vit.md §6): one multiply-add = one
FLOP for linear / conv / matmul (q@kᵀ and attn@v included, biases not), LayerNorm 5 per element,
BatchNorm 2 per element in eval mode and 5 in train mode, nearest upsample 1 per output element;
softmax, GELU, adds, the GCA EMA, sorting and gathers are not counted. Batch 1. The bilinear
stage-1 downsample runs outside the counted forward, as upstream.

    python3 experiments/flops/count_flops.py            # writes Tests/ViTTests/Fixtures/flops/fvcore.json

Per configuration it records `stage1` (stage-1 forward incl. head: the checkpoints' flop[0]),
`total` (stage 1 + stage 2 as fvcore counts the official `forward`, both heads) and
`total_without_focus_head` (LF-ViT's flops[1] convention leaves the stage-2 head out), each with
fvcore's per-operator breakdown, then asserts every constant quoted in the specs.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn

EXPERIMENTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXPERIMENTS))

from reference import TwoStageConfig, TwoStageViT, ViT, ViTConfig, downsample  # noqa: E402
from reference.vit import classify  # noqa: E402

OUT = EXPERIMENTS.parent / "Tests" / "ViTTests" / "Fixtures" / "flops" / "fvcore.json"


class _Stage1(nn.Module):
    def __init__(self, model: TwoStageViT):
        super().__init__()
        self.model = model

    def forward(self, x_lo):
        return self.model.stage1(x_lo).logits


class _Full(nn.Module):
    def __init__(self, model: TwoStageViT, focus_head: bool):
        super().__init__()
        self.model, self.focus_head = model, focus_head

    def forward(self, x_hi, x_lo):
        m = self.model
        s1 = m.stage1(x_lo)
        tokens, _ = m.stage2_input(x_hi, s1)
        feats = m.run_blocks(tokens)
        return s1.logits, (classify(m, feats) if self.focus_head else feats[:, 0])


def _fvcore(module: nn.Module, inputs: tuple) -> dict:
    from fvcore.nn import FlopCountAnalysis
    a = FlopCountAnalysis(module, inputs).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return {"flops": int(a.total()), "by_operator": {k: int(v) for k, v in sorted(a.by_operator().items())}}


def _prepare(model: nn.Module, bn_mode: str) -> nn.Module:
    model = copy.deepcopy(model)  # train-mode BN would update running stats while tracing
    model.train(bn_mode == "train")  # nothing but BatchNorm depends on the mode here
    return model


def count_plain(cfg: ViTConfig, bn_mode: str = "eval", model: nn.Module | None = None) -> dict:
    m = _prepare(model if model is not None else ViT(cfg), bn_mode)
    x = torch.randn(1, cfg.in_chans, cfg.image_size, cfg.image_size)
    with torch.no_grad():
        r = _fvcore(m, (x,))
    return {"total": r["flops"], "total_by_operator": r["by_operator"]}


def count_two_stage(cfg: TwoStageConfig, model: TwoStageViT | None = None, bn_mode: str = "eval") -> dict:
    m = _prepare(model if model is not None else TwoStageViT(cfg), bn_mode)
    m.cfg = cfg  # selection options are read at run time; the parameters do not depend on them
    size = cfg.backbone.image_size
    x = torch.randn(1, cfg.backbone.in_chans, size, size)
    x_lo = downsample(x)
    with torch.no_grad():
        s1 = _fvcore(_Stage1(m), (x_lo,))
        full = _fvcore(_Full(m, True), (x, x_lo))
        nohead = _fvcore(_Full(m, False), (x, x_lo))
    return {"stage1": s1["flops"], "total": full["flops"], "total_without_focus_head": nohead["flops"],
            "stage1_by_operator": s1["by_operator"], "total_by_operator": full["by_operator"]}


def configurations():
    """(name, kind, config, bn_mode) for every counted configuration."""
    d7, d9 = ViTConfig.deit_small(224), ViTConfig.deit_small(288)
    l7, l9 = ViTConfig.lvvit_small(224), ViTConfig.lvvit_small(288)
    out = [("deit-s-224", "vit", d7, "eval")]
    for a in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        out.append((f"cf-vit-deit-s-7x7-alpha{a}", "cf-vit", TwoStageConfig("cf-vit", d7, alpha=a), "eval"))
    out.append(("cf-vit-deit-s-7x7-k24", "cf-vit", TwoStageConfig("cf-vit", d7, rounding="floor"), "eval"))
    out.append(("cf-vit-deit-s-9x9-k41", "cf-vit", TwoStageConfig("cf-vit", d9), "eval"))
    out.append(("cf-vit-deit-s-9x9-k40", "cf-vit", TwoStageConfig("cf-vit", d9, rounding="floor"), "eval"))
    for r in ("ceil", "floor"):
        k = 25 if r == "ceil" else 24
        out.append((f"cf-vit-deit-s-7x7-k{k}-noreuse", "cf-vit",
                    TwoStageConfig("cf-vit", d7, rounding=r, feature_reuse=False), "eval"))
    for bb, s, ms in ((d7, 7, (5, 6)), (d9, 9, (5, 6, 8))):
        for m in ms:
            out.append((f"lf-vit-deit-s-{s}x{s}-m{m}", "lf-vit", TwoStageConfig("lf-vit", bb, region_size=m), "eval"))
    out.append(("lf-vit-deit-s-7x7-m5-noreuse", "lf-vit",
                TwoStageConfig("lf-vit", d7, region_size=5, feature_reuse=False), "eval"))
    for bn in ("eval", "train"):
        out.append((f"lvvit-s-224-bn{bn}", "vit", l7, bn))
    for bn in ("eval", "train"):
        out.append((f"cf-vit-lvvit-s-7x7-k25-bn{bn}", "cf-vit", TwoStageConfig("cf-vit", l7), bn))
        out.append((f"cf-vit-lvvit-s-7x7-k24-bn{bn}", "cf-vit", TwoStageConfig("cf-vit", l7, rounding="floor"), bn))
        out.append((f"cf-vit-lvvit-s-9x9-k40-bn{bn}", "cf-vit", TwoStageConfig("cf-vit", l9, rounding="floor"), bn))
    return out


# Every constant the specs quote: (entry, field, expected, digits). digits None: the exact
# integer; otherwise the value in GFLOPs rounded to that many decimals, as printed upstream.
SPEC_CONSTANTS = [
    ("deit-s-224", "total", 4_608_338_304, None, "cf-vit §9 plain DeiT-S 224 (fvcore)"),
    ("deit-s-224", "mac_only", 4_598_882_304, None, "cf-vit §9 plain DeiT-S 224 MAC-only"),
    ("cf-vit-deit-s-7x7-alpha0.5", "stage1", 1_101_957_888, None, "cf-vit §9 coarse 7x7 / lf-vit flops[0] S=7"),
    ("cf-vit-deit-s-7x7-alpha0.5", "stage1_mac_only", 1_099_557_888, None, "cf-vit §9 coarse 7x7 MAC-only"),
    ("cf-vit-deit-s-7x7-alpha0.5", "stage2", 2_920_366_848, None, "cf-vit §9 fine stage 7x7 k=25"),
    ("cf-vit-deit-s-7x7-alpha0.5", "total", 4_022_324_736, None, "cf-vit §9 total 7x7 k=25"),
    ("cf-vit-deit-s-7x7-alpha0.5", "total_mac_only", 4_013_755_392, None, "cf-vit §9 total 7x7 MAC-only"),
    ("cf-vit-deit-s-7x7-k24", "total", 3.952, 3, "cf-vit §9 total 7x7 k=24"),
    ("cf-vit-deit-s-9x9-k41", "stage1", 1_831_336_704, None, "cf-vit §9 coarse 9x9 / lf-vit flops[0] S=9"),
    ("cf-vit-deit-s-9x9-k41", "stage1_mac_only", 1_827_400_704, None, "cf-vit §9 coarse 9x9 MAC-only"),
    ("cf-vit-deit-s-9x9-k40", "total", 6_698_049_408, None, "cf-vit §9 total 9x9 k=40 (checkpoint 6.698)"),
    ("cf-vit-deit-s-9x9-k41", "total", 6_773_147_136, None, "cf-vit §9 total 9x9 k=41"),
    ("cf-vit-deit-s-7x7-alpha0.4", "total", 3.671, 3, "cf-vit Table 6 α=0.4 (3.7)"),
    ("cf-vit-deit-s-7x7-alpha0.5", "total", 4.022, 3, "cf-vit Table 6 α=0.5 (4.0)"),
    ("cf-vit-deit-s-7x7-alpha0.6", "total", 4.378, 3, "cf-vit Table 6 α=0.6 (4.4)"),
    ("cf-vit-deit-s-7x7-alpha0.7", "total", 4.738, 3, "cf-vit Table 6 α=0.7 (4.7)"),
    ("cf-vit-deit-s-7x7-alpha0.8", "total", 5.102, 3, "cf-vit Table 6 α=0.8 (5.1)"),
    ("cf-vit-deit-s-7x7-alpha0.9", "total", 5.471, 3, "cf-vit Table 6 α=0.9 (5.5)"),
    ("cf-vit-deit-s-7x7-alpha1.0", "total", 5.768268, 6, "cf-vit §9 ablation w/o informative region identification"),
    ("cf-vit-deit-s-7x7-k24-noreuse", "total", 3.894, 3, "cf-vit §9 ablation w/o feature reuse (k=24)"),
    ("cf-vit-deit-s-7x7-k25-noreuse", "total", 3.964, 3, "cf-vit §9 w/o feature reuse with k=25"),
    ("lvvit-s-224-bneval", "total", 6.6, 1, "LV-ViT-S 6.6 G (cf-vit §8)"),
    ("cf-vit-lvvit-s-7x7-k25-bneval", "stage1", 1.571725, 6, "cf-vit §9 LV-ViT coarse 7x7 eval BN"),
    ("cf-vit-lvvit-s-7x7-k25-bntrain", "stage1", 1.573531, 6, "cf-vit §9 LV-ViT coarse 7x7 train BN (1.574)"),
    ("cf-vit-lvvit-s-7x7-k24-bntrain", "total", 6.096048, 6, "cf-vit §9 LV-ViT total 7x7 k=24 (6.096)"),
    ("cf-vit-lvvit-s-7x7-k25-bntrain", "total", 6.177274, 6, "cf-vit §9 LV-ViT total 7x7 k=25 (6.177)"),
    ("cf-vit-lvvit-s-9x9-k40-bneval", "stage1", 2.614300, 6, "cf-vit §9 LV-ViT coarse 9x9 eval BN"),
    ("cf-vit-lvvit-s-9x9-k40-bntrain", "stage1", 2.617286, 6, "cf-vit §9 LV-ViT coarse 9x9 train BN (2.617)"),
    ("cf-vit-lvvit-s-9x9-k40-bntrain", "total", 10.300197, 6, "cf-vit §9 LV-ViT total 9x9 k=40 (10.3)"),
    ("lf-vit-deit-s-7x7-m5", "stage1", 1_101_957_888, None, "lf-vit §6 flops[0] S=7"),
    ("lf-vit-deit-s-7x7-m5", "total_without_focus_head", 3_810_416_256, None, "lf-vit §6 S=7 m=5"),
    ("lf-vit-deit-s-7x7-m5", "total", 3_810_416_256 + 384_000, None, "lf-vit §6 fvcore on forward = flops[1] + 384,000"),
    ("lf-vit-deit-s-7x7-m6", "total_without_focus_head", 4_521_303_936, None, "lf-vit §6 S=7 m=6"),
    ("lf-vit-deit-s-9x9-m6", "stage1", 1_831_336_704, None, "lf-vit §6 flops[0] S=9"),
    ("lf-vit-deit-s-9x9-m6", "total_without_focus_head", 6_102_855_552, None, "lf-vit §6 S=9 m=6"),
    ("lf-vit-deit-s-9x9-m5", "total_without_focus_head", 5_374_273_152, None, "lf-vit §6 S=9 m=5"),
    ("lf-vit-deit-s-9x9-m8", "total_without_focus_head", 7_996_887_552, None, "lf-vit §6 S=9 m=8"),
]

# spec/cf-vit.md §9, the 7×7 fine stage (k = 25) by component, summed per fvcore operator.
FINE_7X7_BY_OPERATOR = {
    "conv": 57_802_752,
    "linear": 57_802_752 + 2_654_208_000 + 384_000,  # reuse MLP + 12 blocks + head
    "matmul": 144_000_000,
    "layer_norm": 94_080 + 5_760_000 + 240_000,  # reuse LN + block LNs + final LN
    "upsample_nearest2d": 75_264,
}


def derived(entry: dict) -> dict:
    """MAC-only (LayerNorm and upsample left out) and stage-2 figures."""
    d = {}
    for part in ("stage1", "total"):
        ops = entry.get(f"{part}_by_operator")
        if ops is not None:
            d[f"{part}_mac_only"] = entry[part] - ops.get("layer_norm", 0) - ops.get("upsample_nearest2d", 0)
    if "stage1" in entry:
        d["stage2"] = entry["total"] - entry["stage1"]
    elif "total" in entry:
        d["mac_only"] = d.pop("total_mac_only")
    return d


def check(entries: dict) -> list:
    lines, failures = [], []
    for name, fld, want, digits, what in SPEC_CONSTANTS:
        got = entries[name]["fvcore"][fld]
        ok = got == want if digits is None else round(got / 1e9, digits) == want
        lines.append({"entry": name, "field": fld, "expected": want,
                      "expected_unit": "flops" if digits is None else f"GFLOPs rounded to {digits} decimals",
                      "got": got, "ok": ok, "source": what})
        if not ok:
            failures.append(f"{name}.{fld}: got {got}, spec {want} ({what})")
    e = entries["cf-vit-deit-s-7x7-alpha0.5"]["fvcore"]
    fine = {k: e["total_by_operator"].get(k, 0) - e["stage1_by_operator"].get(k, 0) for k in FINE_7X7_BY_OPERATOR}
    ok = fine == FINE_7X7_BY_OPERATOR
    lines.append({"entry": "cf-vit-deit-s-7x7-alpha0.5", "field": "stage-2 by operator",
                  "expected": FINE_7X7_BY_OPERATOR, "got": fine, "ok": ok, "source": "cf-vit §9 fine-stage table"})
    if not ok:
        failures.append(f"7x7 fine stage by operator: got {fine}")
    return lines, failures


def main():
    torch.manual_seed(0)
    entries = {}
    for name, kind, cfg, bn in configurations():
        if kind == "vit":
            counts = count_plain(cfg, bn)
            extra = {}
        else:
            counts = count_two_stage(cfg, bn_mode=bn)
            extra = {"refined_cells": cfg.refined_cells, "stage2_tokens": cfg.stage2_tokens}
        counts.update(derived(counts))
        entries[name] = {"kind": kind, "config": cfg.to_dict(), "batchnorm": bn, **extra, "fvcore": counts}
        brief = {k: v for k, v in counts.items() if not k.endswith("by_operator")}
        print(name, json.dumps(brief))
    # timm's own DeiT-S, fused attention off, must count the same as the reference ViT.
    import timm
    from timm.layers import set_fused_attn
    set_fused_attn(False)
    timm_total = count_plain(ViTConfig.deit_small(), model=timm.create_model("deit_small_patch16_224"))["total"]
    assert timm_total == entries["deit-s-224"]["fvcore"]["total"], timm_total
    checks, failures = check(entries)
    doc = {
        "format": "repro-flops", "version": 1,
        "tool": "fvcore 0.1.5 FlopCountAnalysis, batch 1, reference models (experiments/reference)",
        "torch": torch.__version__,
        "convention": ("1 multiply-add = 1 FLOP for linear/conv/matmul (biases not counted); layer_norm 5/elt; "
                       "batch_norm 2/elt eval, 5/elt train; upsample_nearest2d 1/output elt; nothing else. "
                       "stage1 = stage-1 forward incl. head(s); total = both stages incl. both heads; "
                       "total_without_focus_head = total minus the stage-2 head(s) (LF-ViT's flops[1]; LV-ViT: head and aux_head); "
                       "*_mac_only = minus layer_norm and upsample; stage2 = total - stage1."),
        "timm_deit_small_patch16_224_total": timm_total,
        "entries": entries, "spec_checks": checks,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(EXPERIMENTS.parent)}: {len(entries)} configurations, "
          f"{sum(c['ok'] for c in checks)}/{len(checks)} spec constants reproduced")
    if failures:
        print("MISMATCHES:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
