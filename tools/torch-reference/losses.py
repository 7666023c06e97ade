"""The losses as the paper defines them (../shared facts, PAPER.md), from logits, averaged over the batch.

z = logits, p = softmax(z), y = one-hot targets, log_b(x) = ln(x) / ln(b), eps = 1e-6 by default:
CE_b(y, p) = -Σ y log_b(p + eps); swapped CE_b(p, y) = -Σ p log_b(y + eps); H_b(p) = -Σ p log_b(p + eps);
MIX-ENT = w1 · CE_b1(y, p) + w2 · CE_b2(p, y); MIN-ENT = w1 · CE_b1(y, p) + w2 · H_b2(p).
"""

import math

import torch
import torch.nn.functional as F


def _log_base(x, base):
    return torch.log(x) / math.log(base)


def cross_entropy(logits, labels, base=math.e, eps=1e-6):
    """CE_b(y, p), with eps inside the log as the paper writes it."""
    p = F.softmax(logits, dim=1)
    picked = p.gather(1, labels[:, None])[:, 0]
    return -_log_base(picked + eps, base).mean()


def entropy(logits, base=math.e, eps=1e-6):
    p = F.softmax(logits, dim=1)
    return -(p * _log_base(p + eps, base)).sum(1).mean()


def swapped_cross_entropy(logits, labels, base=math.e, eps=1e-6):
    p = F.softmax(logits, dim=1)
    y = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
    return -(p * _log_base(y + eps, base)).sum(1).mean()


def min_ent(logits, labels, w1, w2, b1, b2, eps=1e-6):
    return w1 * cross_entropy(logits, labels, b1, eps) + w2 * entropy(logits, b2, eps)


def mix_ent(logits, labels, w1, w2, b1, b2, eps=1e-6):
    return w1 * cross_entropy(logits, labels, b1, eps) + w2 * swapped_cross_entropy(logits, labels, b2, eps)


def loss_of(name, options):
    """A loss by mixent's registry name and a config's options, with mixent's defaults (eps 1e-6, base e).
    Cross entropy with eps 0 is the SpinalNet baseline's nn.CrossEntropyLoss."""
    if name == "cross-entropy":
        o = {"base": math.e, "eps": 1e-6, **options}
        if o["eps"] == 0:
            return lambda logits, labels: F.cross_entropy(logits, labels) / math.log(o["base"])
        return lambda logits, labels: cross_entropy(logits, labels, o["base"], o["eps"])
    if name in ("min-ent", "mix-ent"):
        fn = min_ent if name == "min-ent" else mix_ent
        o = {"w1": 1.0, "w2": 1.0, "eps": 1e-6, **options}
        return lambda logits, labels: fn(logits, labels, o["w1"], o["w2"], o["b1"], o["b2"], o["eps"])
    raise ValueError(f"tools/torch-reference has no loss {name!r}")
