"""Self-test of the reference models against the specs and timm. Run from the repository root:

    python3 experiments/reference/selftest.py

Checks (each an assert; prints one line per check):
1. LF-ViT `uninfo` / `info` tables for S=7, m=5 equal spec/lf-vit.md §5.5 entry by entry.
2. Stage-2 token counts of the spec's worked examples: CF-ViT DeiT-S 7×7 → 125, 9×9 (k=41) → 205,
   LF-ViT S=7 m=5 → 116 (and S=9 m=5 → 148, S=9 m=8 → 253).
3. The CF-ViT / LF-ViT stage-2 sequence equals an independent per-image construction written
   from the spec pseudocode (spec/cf-vit.md §7, spec/lf-vit.md §5.4), token by token.
4. The plain ViT equals timm's `VisionTransformer` (deit_small_patch16_224, same weights) to
   ≤ 1e-5 max |Δlogit|, with timm's fused attention off and on.
5. Early exit: η = 0 exits everyone, η > 1 refines everyone, a mixed batch matches `forward`;
   9×9 works; the training path (`selection=False`) is differentiable and has 4Nc+1 tokens.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference import TwoStageConfig, TwoStageViT, ViT, ViTConfig, downsample  # noqa: E402
from reference.init import random_init_  # noqa: E402
from reference.selection import lf_windows  # noqa: E402


def rows(*rs):
    return [r * 7 + c for r in rs for c in range(7)]


def check_lf_tables():
    # spec/lf-vit.md §5.5, typed from the table: (i, j) → uninfo (exact order).
    expected_uninfo = {
        0: [5, 6, 12, 13, 19, 20, 26, 27, 33, 34] + list(range(35, 49)),
        1: [0, 6, 7, 13, 14, 20, 21, 27, 28, 34] + list(range(35, 49)),
        2: [0, 1, 7, 8, 14, 15, 21, 22, 28, 29] + list(range(35, 49)),
        3: [12, 13, 19, 20, 26, 27, 33, 34, 40, 41] + list(range(0, 7)) + list(range(42, 49)),
        4: [7, 13, 14, 20, 21, 27, 28, 34, 35, 41] + list(range(0, 7)) + list(range(42, 49)),
        5: [7, 8, 14, 15, 21, 22, 28, 29, 35, 36] + list(range(0, 7)) + list(range(42, 49)),
        6: [19, 20, 26, 27, 33, 34, 40, 41, 47, 48] + list(range(0, 14)),
        7: [14, 20, 21, 27, 28, 34, 35, 41, 42, 48] + list(range(0, 14)),
        8: [14, 15, 21, 22, 28, 29, 35, 36, 42, 43] + list(range(0, 14)),
    }
    first_info_row = {0: 0, 1: 1, 2: 2, 3: 7, 4: 8, 5: 9, 6: 14, 7: 15, 8: 16}
    info, uninfo, corners = lf_windows(7, 5)
    assert info.shape == (9, 25) and uninfo.shape == (9, 24)
    for w in range(9):
        assert tuple(corners[w].tolist()) == (w // 3, w % 3), w
        assert uninfo[w].tolist() == expected_uninfo[w], (w, uninfo[w].tolist())
        s = first_info_row[w]
        assert info[w].tolist() == [s + 7 * r + c for r in range(5) for c in range(5)], w
    print("ok  LF-ViT info/uninfo tables S=7 m=5 match spec/lf-vit.md §5.5 (9 windows)")


def deit_two_stage(method, image_size, **kw):
    return TwoStageConfig(method, ViTConfig.deit_small(image_size), **kw)


def check_counts():
    cases = [(deit_two_stage("cf-vit", 224), 25, 125), (deit_two_stage("cf-vit", 288), 41, 205),
             (deit_two_stage("cf-vit", 288, rounding="floor"), 40, 202),
             (deit_two_stage("lf-vit", 224, region_size=5), 22, 116),
             (deit_two_stage("lf-vit", 288, region_size=5), 22, 148),
             (deit_two_stage("lf-vit", 288, region_size=8), 57, 253)]
    for cfg, k, n2 in cases:
        model = random_init_(TwoStageViT(cfg), 0).eval()
        x = torch.randn(1, 3, cfg.backbone.image_size, cfg.backbone.image_size, generator=torch.Generator().manual_seed(1))
        t = model.trace(x)
        assert cfg.refined_cells == k and cfg.stage2_tokens == n2, (cfg, cfg.refined_cells, cfg.stage2_tokens)
        assert t["stage2.tokens"].shape == (1, n2, 384), t["stage2.tokens"].shape
        assert t["stage2.cells"].shape == (1, k)
        check_sequence(model, x, t)
        print(f"ok  {cfg.method} DeiT-S {cfg.coarse_grid}x{cfg.coarse_grid}"
              f"{' m=%d' % cfg.region_size if cfg.method == 'lf-vit' else ''} {cfg.rounding}: "
              f"k={k}, {n2} stage-2 tokens, sequence matches the spec construction")


@torch.no_grad()
def check_sequence(model: TwoStageViT, x: torch.Tensor, t: dict):
    """Rebuild the stage-2 sequence of image 0 with plain loops from the spec pseudocode."""
    cfg = model.cfg
    S, F = cfg.coarse_grid, cfg.fine_grid
    xl = downsample(x)[:1]
    s1 = model.stage1(xl)
    e1 = s1.embeddings[0]
    r = model.reuse_block(s1.features[0, 1:])  # [S², D]
    patches = model.patch_embed(x[:1])[0]  # [F², D]
    e2 = [model.cls_token[0, 0] + model.pos_embed_list[1][0, 0]]
    for f in range(F * F):
        y, xx = divmod(f, F)
        e2.append((patches[f] + r[(y // 2) * S + xx // 2]) + model.pos_embed_list[1][0, 1 + f])
    score = s1.gca[0].tolist()
    if cfg.method == "cf-vit":
        order = sorted(range(S * S), key=lambda i: (-score[i], i))
        k = cfg.refined_cells
        chosen, coarse = order[:k], order[k:]
    else:
        m, K = cfg.region_size, cfg.refined_cells
        best, best_sum = None, None
        for i in range(S - m + 1):
            for j in range(S - m + 1):
                cells = [rr * S + cc for rr in range(i, i + m) for cc in range(j, j + m)]
                total = s1.gca[0, cells].sum().item()
                if best_sum is None or total > best_sum:
                    best, best_sum = (i, j, cells), total
        i, j, cells = best
        ranked = sorted(cells, key=lambda c: (-score[c], c))
        chosen = ranked[:K]
        outside = [rr * S + cc for rr in range(i, i + m) for cc in list(range(j)) + list(range(j + m, S))]
        outside += [rr * S + cc for rr in list(range(i)) + list(range(i + m, S)) for cc in range(S)]
        coarse = outside + ranked[K:]
        assert t["lf.window"][0].tolist() == [i, j, m]
    seq = [e2[0]]
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):  # grouped by corner: all TL, all TR, all BL, all BR
        for c in chosen:
            rr, cc = divmod(c, S)
            seq.append(e2[1 + (2 * rr + dy) * F + 2 * cc + dx])
    seq += [e1[1 + u] for u in coarse]
    assert t["stage2.cells"][0].tolist() == chosen
    assert torch.equal(torch.stack(seq), t["stage2.tokens"][0]), "stage-2 sequence differs"


def check_timm():
    import timm
    from timm.layers import set_fused_attn

    for fused in (False, True):
        set_fused_attn(fused)
        ref = timm.create_model("deit_small_patch16_224", pretrained=False)
        assert all(blk.attn.fused_attn == fused for blk in ref.blocks)
        random_init_(ref, 3).eval()
        mine = ViT(ViTConfig.deit_small()).eval()
        missing, unexpected = mine.load_state_dict(ref.state_dict(), strict=True)
        x = torch.randn(4, 3, 224, 224, generator=torch.Generator().manual_seed(4))
        with torch.no_grad():
            a, b = ref(x), mine(x)
        d = (a - b).abs().max().item()
        conf = torch.softmax(a, 1).max(1).values
        assert d <= 1e-5, d
        print(f"ok  ViT == timm deit_small_patch16_224 (fused_attn={fused}): max |Δlogit| = {d:.3g} "
              f"(logit std {a.std():.2f}, confidences {[round(c, 3) for c in conf.tolist()]})")
    set_fused_attn(False)


def check_early_exit_and_training():
    for img in (224, 288):
        cfg = deit_two_stage("cf-vit", img)
        model = random_init_(TwoStageViT(cfg), 5).eval()
        x = torch.randn(4, 3, img, img, generator=torch.Generator().manual_seed(6))
        with torch.no_grad():
            coarse, fine = model(x)
        conf = torch.softmax(coarse, 1).max(1).values
        eta = conf.median().item()  # a mixed batch
        for e in (0.0, eta, 1.01):
            out, refined = model.forward_early_exit(x, e)
            want = conf < torch.tensor(e, dtype=torch.float32)
            assert torch.equal(refined, want)
            expect = torch.where(want[:, None], fine, coarse)
            d = (out - expect).abs().max().item()
            assert d <= 1e-4, d
        print(f"ok  early exit {cfg.coarse_grid}x{cfg.coarse_grid}: η=0 all exit, η=1.01 none, mixed batch matches forward")
    model.train()
    coarse, fine = model(x[:2], selection=False)
    (coarse.logsumexp(1).sum() + fine.logsumexp(1).sum()).backward()
    assert model.pos_embed_list[1].grad is None or model.pos_embed_list[1].grad.abs().sum() == 0  # DeiT quirk
    assert model.patch_embed.proj.weight.grad.abs().sum() > 0
    tokens, _ = model.stage2_input(x[:1], model.stage1(downsample(x[:1])), selection=False)
    assert tokens.shape[1] == 4 * cfg.coarse_cells + 1
    model.zero_grad()
    coarse, fine = model(x[:2])
    fine.sum().backward()
    assert model.pos_embed_list[1].grad.abs().sum() > 0
    print("ok  training paths: selection=False (4Nc+1 tokens, no pos_embed_list.1: DeiT quirk) and selection=True are differentiable")


if __name__ == "__main__":
    torch.manual_seed(0)
    check_lf_tables()
    check_counts()
    check_timm()
    check_early_exit_and_training()
    print("all self-tests passed")
