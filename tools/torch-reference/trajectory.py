"""Trains the reference model for a few steps on given batches, from given weights, as mixent's parity test
does on its side:

    python3 trajectory.py --model vgg5 --width 0.125 --init init.pt --batches batches.pt \\
      --loss min-ent --options '{"w1": 0.839, ...}' --lr 0.005 --out DIR

batches.pt holds {"images": [steps, N, 1, 28, 28] float32, "labels": [steps, N] int64}. Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8), dropout 0, no augmentation, a fixed learning rate.
DIR/losses.json holds the loss of each step (before its update); DIR/final.pt the state dict after the last step
with, for each parameter p, Adam's moments as `adam.<p>.exp_avg` and `adam.<p>.exp_avg_sq`.
"""

import argparse
import json
import os

import torch

from losses import loss_of
from models import MODELS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--init", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--loss", required=True)
    parser.add_argument("--options", default="{}")
    parser.add_argument("--lr", type=float, default=0.005)
    parser.add_argument("--steps", type=int, default=None, help="the first N batches only")
    parser.add_argument("--float64", action="store_true", help="in float64: how far float32 rounding alone drifts")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    model = MODELS[args.model](args.width, dropout=0.0)
    state = torch.load(args.init)
    model.load_state_dict(state.get("model_state", state), strict=False)
    del model.loss_module  # fixed loss weights: the loss module takes no part
    dtype = torch.float64 if args.float64 else torch.float32
    model = model.to(dtype)
    loss_fn = loss_of(args.loss, json.loads(args.options))
    batches = torch.load(args.batches)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    model.train()
    losses = []
    steps = list(zip(batches["images"], batches["labels"]))[: args.steps]
    for x, y in steps:
        optimizer.zero_grad()
        loss = loss_fn(model(x.to(dtype)), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    final = {k: v.float() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    for name, p in model.named_parameters():
        final[f"adam.{name}.exp_avg"] = optimizer.state[p]["exp_avg"].float()
        final[f"adam.{name}.exp_avg_sq"] = optimizer.state[p]["exp_avg_sq"].float()
    os.makedirs(args.out, exist_ok=True)
    torch.save(final, os.path.join(args.out, "final.pt"))
    with open(os.path.join(args.out, "losses.json"), "w") as f:
        json.dump(losses, f)


if __name__ == "__main__":
    main()
