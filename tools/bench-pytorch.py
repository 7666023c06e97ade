#!/usr/bin/env python3
"""VGG-5 training and inference images/s on CPU with PyTorch: the same model (SpinalNet's
EMNIST-Letters VGG, 62 classes), batch, optimizer and loss as packages/training/bench/train.bench.ts,
so that the tfjs / PyTorch ratio is measured on one machine in one run. With --convs, the GFLOP/s of each of
the model's convolutions instead (forward, filter gradient, input gradient), as packages/training/bench/conv.bench.ts
measures them on wasm. Prints JSON on stdout.

    python3 tools/bench-pytorch.py --batch 100 --steps 10 --threads 2
    python3 tools/bench-pytorch.py --convs --batch 100 --steps 10 --threads 1
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def vgg5(num_classes: int = 62) -> nn.Module:
    """The reference VGG-5: 3x3 conv + BatchNorm + ReLU blocks ending in 2x2 max pooling, then the VGG head."""
    layers, channels = [], 1
    for widths in ([64, 64], [128, 128], [256, 256, 256], [256, 256, 256]):
        for width in widths:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2, 2))
    head = [nn.Flatten(), nn.Dropout(0.5), nn.Linear(256, 512), nn.BatchNorm1d(512), nn.ReLU(inplace=True), nn.Dropout(0.5), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers, *head)


# VGG-5's 3x3 'same' convolutions: input size, channels in, channels out (as LAYERS in conv.bench.ts).
CONV_LAYERS = [(28, 1, 64), (28, 64, 64), (14, 64, 128), (14, 128, 128), (7, 128, 256), (7, 256, 256), (3, 256, 256)]


def median_seconds(step, steps: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def conv_gflops(batch: int, steps: int) -> dict:
    """GFLOP/s of the forward pass and of each gradient of every VGG-5 convolution, keyed as conv.bench.ts keys them."""
    layers = {}
    for size, cin, cout in CONV_LAYERS:
        x, w = torch.randn(batch, cin, size, size), torch.randn(cout, cin, 3, 3)
        dy = torch.randn(batch, cout, size, size)

        def gradient(mask):
            return lambda: torch.ops.aten.convolution_backward(dy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask)

        passes = {
            "forward": lambda: torch.nn.functional.conv2d(x, w, padding=1),
            "filterGradient": gradient([False, True, False]),
            "inputGradient": gradient([True, False, False]),
        }
        flop = 2 * batch * size * size * cin * cout * 9
        layers[f"{size}x{size}x{cin}->{cout}"] = {name: round(flop / median_seconds(fn, steps, 1) / 1e9, 2) for name, fn in passes.items()}
    return layers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--convs", action="store_true", help="GFLOP/s of each convolution instead of the whole model")
    args = parser.parse_args()
    # PyTorch may default to one thread here: set it explicitly (BACKENDS.md).
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.convs:
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "layers": conv_gflops(args.batch, args.steps)}))
        return
    model = vgg5()
    x = torch.randn(args.batch, 1, 28, 28)
    y = torch.arange(args.batch) % 26
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    loss_fn = nn.CrossEntropyLoss()

    def train_step() -> None:
        model.train()
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def inference_step() -> None:
        model.eval()
        with torch.no_grad():
            model(x)

    train = median_seconds(train_step, args.steps)
    inference = median_seconds(inference_step, args.steps)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "trainableParameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "trainImagesPerSecond": args.batch / train,
        "inferenceImagesPerSecond": args.batch / inference,
    }))


if __name__ == "__main__":
    main()
