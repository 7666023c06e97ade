"""Loads a checkpoint into the reference model with load_state_dict(strict=True) and prints its logits on a batch:

    python3 logits_of_checkpoint.py --model vgg5 --width 0.125 --checkpoint FILE < batch.json

The batch is {"inputShape": [N, 1, 28, 28], "inputs": [...]}; the output {"evalLogits": …, "trainLogits": …},
in eval mode and in training mode (batch statistics), both with dropout 0.
"""

import argparse
import json
import sys

import torch

from models import MODELS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--checkpoint", required=True)
    args = parser.parse_args()
    model = MODELS[args.model](args.width, dropout=0.0)
    checkpoint = torch.load(args.checkpoint)
    state = checkpoint["model_state"] if "model_state" in checkpoint else checkpoint
    # The loss module's weights are not the model's: a checkpoint written by mixent has none.
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not k.startswith("loss_module.")]:
        sys.exit(f"{args.checkpoint}: missing {missing}, unexpected {unexpected}")
    batch = json.load(sys.stdin)
    x = torch.tensor(batch["inputs"], dtype=torch.float32).reshape(batch["inputShape"])
    with torch.no_grad():
        model.eval()
        eval_logits = model(x)
        model.train()
        train_logits = model(x)
    json.dump({"evalLogits": eval_logits.tolist(), "trainLogits": train_logits.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
