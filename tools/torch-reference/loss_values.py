"""The paper's losses and their gradients with respect to the logits, in PyTorch, for mixent's parity tests:

    python3 loss_values.py < request.json > response.json

The request is {"logits": [[...]], "labels": [...], "losses": [{"name": "min-ent", "options": {...}}, ...]};
the response holds, per loss, {"value": float, "gradient": [[...]]}, computed in float64.
"""

import json
import sys

import torch

from losses import loss_of


def main():
    request = json.load(sys.stdin)
    labels = torch.tensor(request["labels"], dtype=torch.int64)
    results = []
    for loss in request["losses"]:
        logits = torch.tensor(request["logits"], dtype=torch.float64, requires_grad=True)
        value = loss_of(loss["name"], loss.get("options", {}))(logits, labels)
        value.backward()
        results.append({"value": value.item(), "gradient": logits.grad.tolist()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
