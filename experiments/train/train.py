"""Train one bundled model (issue 7) on the synthetic dataset written by `repro synth`.

    swift run -c release repro synth --out DATA            # 5,000 train + 1,000 val PNGs
    python3 experiments/train/train.py DATA --model bundled-vit    --work W/vit
    python3 experiments/train/train.py DATA --model bundled-cf-vit --work W/cf --stop-after 20
    python3 experiments/train/train.py DATA --model bundled-cf-vit --work W/cf --resume W/cf/epoch-020.pt
    python3 experiments/train/train.py DATA --model bundled-lf-vit --work W/lf --resume W/cf/epoch-020.pt

(run_all.sh runs exactly this.) Recipe, from CF-ViT §"Training Strategy" / Table 8 and LF-ViT
engine_deit.py:48-53, scaled to a short CPU schedule:

- plain ViT (baseline): CE(logits, y);
- CF-ViT / LF-ViT: CE(stage 2, y) + KL(stage 1 ‖ stage 2 detached), KLDivLoss(batchmean) of
  log_softmax(stage 1) against softmax(stage 2); all 4·Nc fine tokens (`selection=False`) before
  epoch `--selection-from`, region selection (`selection=True`) from it on. The default switch is
  CF-ViT's 200/300 and LF-ViT's 230/300 of the schedule, rounded to an epoch.

The all-tokens phase is the same computation for CF-ViT and LF-ViT (same parameters, same
initialisation, same batches), so it is trained once: a checkpoint taken at CF-ViT's switch seeds
both. Batch order and augmentation of epoch e are drawn from a generator seeded with (seed, e),
so a run resumed from a checkpoint gives the same bits as an uninterrupted one.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundled  # noqa: E402

SWITCH = {"bundled-cf-vit": 200 / 300, "bundled-lf-vit": 230 / 300}


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", type=Path, help="dataset root written by `repro synth` (holds train/ and val/)")
    p.add_argument("--model", required=True, choices=bundled.NAMES)
    p.add_argument("--work", type=Path, required=True, help="folder for checkpoints and the final weights")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--selection-from", type=int, default=None,
                   help="first epoch (0-based) with region selection; default: the paper's fraction")
    p.add_argument("--stop-after", type=int, default=None, help="stop after this many epochs (fork point)")
    p.add_argument("--resume", type=Path, default=None, help="checkpoint to continue from")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr", type=float, default=1e-5)
    p.add_argument("--wd", type=float, default=0.05)
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up epochs (linear)")
    p.add_argument("--max-steps", type=int, default=None, help="debug: stop after this many steps")
    p.add_argument("--log", type=Path, default=None, help="default: experiments/train/logs/<model>.json")
    return p.parse_args()


def lr_at(step: int, total: int, warm: int, a) -> float:
    if step < warm:
        return a.lr * (step + 1) / warm
    t = (step - warm) / max(1, total - warm)
    return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * t))


def param_groups(model, wd: float):
    """No weight decay on biases, norms, class token and position embeddings (timm's rule)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or name == "cls_token" or name.startswith("pos_embed") else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


@torch.no_grad()
def evaluate(model, two_stage: bool, xs, ys, batch: int = 200) -> dict:
    model.eval()
    c1 = c2 = 0
    for i in range(0, len(ys), batch):
        x, y = bundled.eval_batch(xs[i:i + batch]), ys[i:i + batch]
        if two_stage:
            lo, hi = model(x)  # inference form: region selection on
            c1 += (lo.argmax(1) == y).sum().item()
        else:
            hi = model(x)
        c2 += (hi.argmax(1) == y).sum().item()
    model.train()
    out = {"top1": c2 / len(ys)}
    if two_stage:
        out = {"stage1_top1": c1 / len(ys), "stage2_top1": c2 / len(ys)}
    return out


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(a.seed)
    two_stage = a.model != "bundled-vit"
    sel_from = None
    if two_stage:
        sel_from = a.selection_from if a.selection_from is not None else round(SWITCH[a.model] * a.epochs)

    t_load = time.time()
    xtr, ytr, classes, _ = bundled.load_split(a.data, "train")
    xva, yva, vclasses, _ = bundled.load_split(a.data, "val")
    if classes != vclasses:
        raise SystemExit(f"{a.data}: train and val have different class folders")
    print(f"loaded {len(ytr)} train / {len(yva)} val images in {time.time() - t_load:.0f} s", flush=True)

    model = bundled.init_weights_(bundled.build(a.model), a.seed)
    opt = torch.optim.AdamW(param_groups(model, a.wd), lr=a.lr, betas=(0.9, 0.999))
    steps_per = math.ceil(len(ytr) / a.batch)
    total, warm = a.epochs * steps_per, round(a.warmup * steps_per)
    history, start, prior_wall, resumed_from = [], 0, 0.0, None
    if a.resume is not None:
        ck = torch.load(a.resume, weights_only=False)
        for key in ("epochs", "batch", "lr", "min_lr", "wd", "warmup", "seed"):
            if ck["args"][key] != getattr(a, key):
                raise SystemExit(f"{a.resume}: trained with {key}={ck['args'][key]}, this run has {getattr(a, key)}")
        if two_stage and ck["epoch"] > sel_from:
            raise SystemExit(f"{a.resume}: epoch {ck['epoch']} is past this model's switch at {sel_from}")
        model.load_state_dict(ck["model"], strict=True)
        opt.load_state_dict(ck["opt"])
        history, start, prior_wall = ck["history"], ck["epoch"], ck["wall"]
        resumed_from = {"checkpoint": a.resume.name, "epoch": start, "trained_as": ck["model_name"]}
        print(f"resumed from {a.resume} at epoch {start}", flush=True)
    a.work.mkdir(parents=True, exist_ok=True)
    end = a.epochs if a.stop_after is None else min(a.epochs, a.stop_after)

    model.train()
    step = start * steps_per
    for ep in range(start, end):
        t0 = time.time()
        selection = two_stage and ep >= sel_from
        g = torch.Generator().manual_seed(a.seed * 100_003 + ep)
        perm = torch.randperm(len(ytr), generator=g)
        sums = {"loss": 0.0, "ce": 0.0, "kl": 0.0, "correct": 0, "correct1": 0}
        for i in range(0, len(ytr), a.batch):
            idx = perm[i:i + a.batch]
            x, y = bundled.train_batch(xtr[idx], g), ytr[idx]
            for pg in opt.param_groups:
                pg["lr"] = lr_at(step, total, warm, a)
            if two_stage:
                lo, hi = model(x, selection=selection)
                ce = F.cross_entropy(hi, y)
                kl = F.kl_div(F.log_softmax(lo, dim=1), F.softmax(hi.detach(), dim=1), reduction="batchmean")
                loss = ce + kl
                sums["kl"] += kl.item() * len(y)
                sums["correct1"] += (lo.argmax(1) == y).sum().item()
            else:
                hi = model(x)
                loss = ce = F.cross_entropy(hi, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            sums["loss"] += loss.item() * len(y)
            sums["ce"] += ce.item() * len(y)
            sums["correct"] += (hi.argmax(1) == y).sum().item()
            if a.max_steps is not None and step - start * steps_per >= a.max_steps:
                print(f"step {step}: loss {loss.item():.6f} ce {ce.item():.6f}", flush=True)
                if step - start * steps_per == a.max_steps:
                    print(f"stopping after --max-steps {a.max_steps}; weights checksum "
                          f"{sum(p.double().sum().item() for p in model.parameters()):.10f}", flush=True)
                    return
            elif a.max_steps is not None:
                print(f"step {step}: loss {loss.item():.6f} ce {ce.item():.6f}", flush=True)
        n = len(ytr)
        rec = {"epoch": ep, "selection": selection, "lr_end": lr_at(step - 1, total, warm, a),
               "train_loss": sums["loss"] / n, "train_ce": sums["ce"] / n, "train_top1": sums["correct"] / n}
        if two_stage:
            rec.update(train_kl=sums["kl"] / n, train_stage1_top1=sums["correct1"] / n)
        train_s = time.time() - t0
        rec.update({("val_" + k): v for k, v in evaluate(model, two_stage, xva, yva).items()})
        rec.update(train_seconds=round(train_s, 1), epoch_seconds=round(time.time() - t0, 1))
        history.append(rec)
        prior_wall += time.time() - t0
        print(" ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in rec.items()), flush=True)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": ep + 1, "history": history,
                    "wall": prior_wall, "args": vars(a) | {"data": str(a.data), "work": str(a.work)},
                    "model_name": a.model}, a.work / f"epoch-{ep + 1:03d}.pt")

    final = {k: v for k, v in history[-1].items() if k.startswith("val_")} if history else {}
    log = {
        "model": a.model, "seed": a.seed, "threads": a.threads, "versions": bundled.versions(),
        "config": bundled.config(a.model).to_dict(),
        "dense_fine_pos_embed": bundled.DENSE_FINE_POS_EMBED if two_stage else None,
        "recipe": {"epochs": a.epochs, "batch": a.batch, "optimizer": "AdamW", "lr": a.lr, "min_lr": a.min_lr,
                   "weight_decay": a.wd, "warmup_epochs": a.warmup, "schedule": "linear warm-up, cosine",
                   "loss": "CE(stage 2) + KL(stage 1 || stage 2 detached)" if two_stage else "CE",
                   "selection_from_epoch": sel_from,
                   "augmentation": "random 112 crop of the 128 image, horizontal flip p=0.5",
                   "steps_per_epoch": steps_per},
        "resumed_from": resumed_from, "epochs_done": end, "finished": end == a.epochs,
        "wall_seconds": round(prior_wall, 1), "history": history, "final": final,
        "train_images": len(ytr), "val_images": len(yva),
    }
    if end == a.epochs:
        torch.save(model.state_dict(), a.work / "final.pt")
        bundled.write_json(a.log or bundled.LOG_DIR / f"{a.model}.json", log)
        print(f"done: {a.work / 'final.pt'}, log {a.log or bundled.LOG_DIR / f'{a.model}.json'}", flush=True)
    else:
        print(f"stopped after epoch {end}: {a.work / f'epoch-{end:03d}.pt'}", flush=True)


if __name__ == "__main__":
    main()
