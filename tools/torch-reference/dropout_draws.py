"""Applies torch.nn.Dropout in training mode to a tensor of ones, for mixent's test of dropout's keep rate and
scaling against PyTorch's:

    python3 dropout_draws.py --p 0.5 --rows 200 --cols 512 --seed 1

Prints JSON: the distinct values of the output, and how many entries were kept (non-zero).
"""

import argparse
import json

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--p", type=float, required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    dropout = torch.nn.Dropout(args.p).train()
    out = dropout(torch.ones(args.rows, args.cols))
    values = sorted(set(out.flatten().tolist()))
    print(json.dumps({"values": values, "kept": int((out != 0).sum())}))


if __name__ == "__main__":
    main()
