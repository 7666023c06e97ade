"""Draws the reference training augmentation many times over real images, for mixent's test that its own
augmentation has torchvision's output distribution:

    python3 augment_draws.py --images IDX --indices 0,5,9 --draws 100 --seed 1

The transform is the reference's, RandomPerspective() then RandomRotation(10, fill=0), applied as the reference
applies it: to the PIL images that torchvision's EMNIST gives, which are stored transposed against upright
letters. Each output is transposed back to upright, so that it compares with mixent's (which augments upright
images). Prints base64 of the outputs, uint8, image-major then draw-major, 28×28 each.
"""

import argparse
import base64
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

from idx import read_idx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True)
    parser.add_argument("--indices", required=True, help="comma-separated image indices")
    parser.add_argument("--draws", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    stored = read_idx(args.images)
    augment = transforms.Compose([transforms.RandomPerspective(), transforms.RandomRotation(10, fill=0)])
    torch.manual_seed(args.seed)
    outputs = []
    for index in (int(i) for i in args.indices.split(",")):
        image = Image.fromarray(stored[index])
        for _ in range(args.draws):
            outputs.append(np.asarray(augment(image), dtype=np.uint8).T)
    sys.stdout.write(base64.b64encode(np.ascontiguousarray(np.stack(outputs)).tobytes()).decode())


if __name__ == "__main__":
    main()
