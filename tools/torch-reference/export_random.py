"""Writes a checkpoint of a reference model with random weights and BatchNorm statistics, and its logits on a
random batch, for mixent's parity tests:

    python3 export_random.py --model vgg5 --width 0.125 --seed 1 --layout paper --out DIR

DIR/checkpoint.pt is torch.save's zip format, `{'model_state': state_dict}` as the paper's checkpoints are
(`--layout bare`: the state dict alone). DIR/logits.json holds the batch (NCHW) and the logits in eval mode and
in training mode (batch statistics), both with dropout 0.
"""

import argparse
import json
import os

import torch

from models import MODELS


def randomize_batchnorm(model):
    """Statistics and affine parameters away from 0 and 1, so that a mix-up of them cannot pass unseen."""
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            m.running_mean.normal_(0, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.normal_(0, 0.2)
            m.num_batches_tracked.fill_(1248)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--layout", choices=("paper", "bare"), default="paper")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = MODELS[args.model](args.width, dropout=0.0)
    with torch.no_grad():
        randomize_batchnorm(model)
        model.loss_module.loss_1_weight.fill_(0.717)
        model.loss_module.loss_2_weight.fill_(0.943)
    os.makedirs(args.out, exist_ok=True)
    state = model.state_dict()
    torch.save({"model_state": state} if args.layout == "paper" else state, os.path.join(args.out, "checkpoint.pt"))
    x = torch.randn(args.batch, 1, 28, 28)
    with torch.no_grad():
        model.eval()
        eval_logits = model(x)
        model.train()  # after the save: a training-mode forward updates the running statistics
        train_logits = model(x)
    with open(os.path.join(args.out, "logits.json"), "w") as f:
        json.dump(
            {
                "inputShape": list(x.shape),
                "inputs": x.flatten().tolist(),
                "evalLogits": eval_logits.tolist(),
                "trainLogits": train_logits.tolist(),
            },
            f,
        )


if __name__ == "__main__":
    main()
