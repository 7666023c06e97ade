"""EMNIST's IDX files (gzip or not) as torchvision's EMNIST reads them: images as stored (transposed against
upright letters), labels 1..26, pixels normalized with MNIST's mean and std as the reference does."""

import gzip
import struct

import numpy as np
import torch

MEAN, STD = 0.1307, 0.3081


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(f">{rank}I", data[4 : 4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def letter_set(images_path, labels_path):
    """(x, y): x [N, 1, 28, 28] float32 normalized, y [N] int64 EMNIST labels 1..26."""
    images = torch.from_numpy(read_idx(images_path).copy()).float().div_(255).sub_(MEAN).div_(STD)
    labels = torch.from_numpy(read_idx(labels_path).astype(np.int64))
    return images[:, None], labels
