"""Trains a reference model briefly on EMNIST-Letters as the paper's scripts see it (torchvision's orientation,
labels 1..26 as output indices), saves it in the paper's checkpoint layout, and writes its test predictions:

    python3 train_and_predict.py --model vgg5 --width 0.125 --steps 60 \\
      --train-images I --train-labels L --test-images I --test-labels L --out DIR

DIR/checkpoint.pt holds {'model_state': state_dict, 'epoch': 1}; DIR/predictions.json the argmax of the 62
outputs for each test image (an EMNIST label), in the file's order.
"""

import argparse
import json
import os

import torch

from idx import letter_set
from models import MODELS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=60)
    for name in ("train-images", "train-labels", "test-images", "test-labels", "out"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    x, y = letter_set(args.train_images, args.train_labels)
    model = MODELS[args.model](args.width)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    model.train()
    for step in range(args.steps):
        batch = torch.randint(0, len(y), (100,))
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()
    os.makedirs(args.out, exist_ok=True)
    torch.save({"model_state": model.state_dict(), "epoch": 1}, os.path.join(args.out, "checkpoint.pt"))
    test_x, test_y = letter_set(args.test_images, args.test_labels)
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(test_x[i : i + 1000]).argmax(1) for i in range(0, len(test_y), 1000)])
    with open(os.path.join(args.out, "predictions.json"), "w") as f:
        json.dump({"predictions": predictions.tolist(), "accuracy": (predictions == test_y).float().mean().item()}, f)


if __name__ == "__main__":
    main()
