#!/usr/bin/env python3
"""Writes packages/data/src/__fixtures__/augment-torchvision.json: real sample images put through torchvision's
own perspective (bilinear) and rotation (nearest), as RandomPerspective and RandomRotation(10, fill=0) call them
on PIL images, so that @mixent/data's augmentation is tested against the reference pipeline's code, not against
itself. Needs torchvision and Pillow (Debian: apt-get install python3-torchvision) under the system python:

    /usr/bin/python3 tools/augment-reference.py

The parameters are drawn here (the TypeScript side takes them from the fixture). Besides a run of ordinary cases,
the fixture keeps the cases where a plain floating-point rotation would pick another pixel than Pillow's 16.16
fixed-point one, so that the test fails on that difference. It prints how often the perspective differs when its
coefficients are solved in float64 (as @mixent/data does) rather than by torchvision's float32 least squares.
"""
import base64
import gzip
import json
import math
from pathlib import Path

import numpy as np
import PIL
import torchvision
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "packages/data/sample/sample-test-images-idx3-ubyte.gz"
OUT = ROOT / "packages/data/src/__fixtures__/augment-torchvision.json"
SIZE = 28
CANDIDATES = 400
ORDINARY = 16
BOUNDARY = 8


def upright_images() -> np.ndarray:
    data = gzip.decompress(SAMPLE.read_bytes())
    count = int.from_bytes(data[4:8], "big")
    # EMNIST stores every image transposed.
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, SIZE, SIZE).transpose(0, 2, 1)


def float_rotation(image: np.ndarray, angle: float) -> np.ndarray:
    """Nearest-neighbour rotation in plain floating point: what Pillow's fixed-point path must be told apart from."""
    a = -math.radians(angle % 360.0)
    cos, sin = round(math.cos(a), 15), round(math.sin(a), 15)
    out = np.zeros_like(image)
    for y in range(SIZE):
        for x in range(SIZE):
            dx, dy = x + 0.5 - SIZE / 2, y + 0.5 - SIZE / 2
            xin, yin = math.floor(cos * dx + sin * dy + SIZE / 2), math.floor(-sin * dx + cos * dy + SIZE / 2)
            if 0 <= xin < SIZE and 0 <= yin < SIZE:
                out[y, x] = image[yin, xin]
    return out


def corners(rng: np.random.RandomState) -> tuple[list[list[int]], list[list[int]]]:
    """RandomPerspective.get_params with distortion_scale 0.5, drawn from numpy."""
    half, reach = SIZE // 2, int(0.5 * (SIZE // 2))
    near = lambda: int(rng.randint(0, reach + 1))
    far = lambda: int(rng.randint(SIZE - reach - 1, SIZE))
    start = [[0, 0], [SIZE - 1, 0], [SIZE - 1, SIZE - 1], [0, SIZE - 1]]
    end = [[near(), near()], [far(), near()], [far(), far()], [near(), far()]]
    assert half == 14
    return start, end


def b64(image: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(image, dtype=np.uint8).tobytes()).decode()


def main() -> None:
    images = upright_images()
    rng = np.random.RandomState(0)
    ordinary, boundary = [], []
    float64_differs = 0
    for k in range(CANDIDATES):
        image = images[(k * 37) % len(images)]
        pil = Image.fromarray(image, mode="L")
        start, end = corners(rng)
        angle = float(rng.uniform(-10, 10))
        coefficients = F._get_perspective_coeffs(start, end)
        warped = np.asarray(F.perspective(pil, start, end, InterpolationMode.BILINEAR, fill=0))
        rotated = np.asarray(F.rotate(pil, angle, InterpolationMode.NEAREST, fill=0))
        exact = np.linalg.solve(*perspective_system(start, end))
        float64_differs += int((np.asarray(pil.transform((SIZE, SIZE), Image.PERSPECTIVE, list(exact), Image.BILINEAR, fillcolor=0)) != warped).any())
        case = {
            "image": b64(image),
            "startpoints": start,
            "endpoints": end,
            "coefficients": coefficients,
            "perspective": b64(warped),
            "angle": angle,
            "rotated": b64(rotated),
        }
        if len(ordinary) < ORDINARY:
            ordinary.append(case)
        elif len(boundary) < BOUNDARY and (float_rotation(image, angle) != rotated).any():
            boundary.append(case)
    OUT.write_text(json.dumps({
        "generatedBy": "tools/augment-reference.py",
        "torchvision": torchvision.__version__,
        "pillow": PIL.__version__,
        "candidates": CANDIDATES,
        "perspectiveDiffersWithFloat64Coefficients": float64_differs,
        "cases": ordinary + boundary,
    }, indent=1) + "\n")
    print(f"{len(ordinary)} ordinary and {len(boundary)} boundary cases written to {OUT.relative_to(ROOT)}; "
          f"perspective with float64 coefficients differs from torchvision in {float64_differs} of {CANDIDATES} images")


def perspective_system(start, end):
    """The 8×8 system torchvision solves by float32 least squares, here for an exact float64 solve."""
    a, b = [], []
    for (x, y), (u, v) in zip(end, start):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)


if __name__ == "__main__":
    main()
