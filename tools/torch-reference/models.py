"""VGG-5 and Spinal-VGG as the paper's run_pretrained.py lays them out (the same module names and indices, so
that its checkpoints load with load_state_dict), with SpinalNet's initialization, at any width multiplier."""

import math

import torch
from torch import nn

# Output channels of the convolutions, block by block, of the reference ("VGG-5").
BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (256, 256, 256))
VGG_HIDDEN = 512
SPINAL_WIDTH = 128
NUM_CLASSES = 62


def scaled(width, multiplier):
    """round(m·w), the rule of every width (mixent's scaleWidth). Python's round() is banker's: use floor(x + ½)."""
    return int(math.floor(width * multiplier + 0.5))


def _block(in_channels, widths):
    layers = []
    for out in widths:
        layers += [nn.Conv2d(in_channels, out, kernel_size=3, padding=1), nn.BatchNorm2d(out), nn.ReLU()]
        in_channels = out
    return nn.Sequential(*layers, nn.MaxPool2d(2, 2))


class LossModule(nn.Module):
    """The learnable loss weights the paper's checkpoints carry beside the model."""

    def __init__(self, w1=1.0, w2=1.0):
        super().__init__()
        self.loss_1_weight = nn.Parameter(torch.tensor([float(w1)]))
        self.loss_2_weight = nn.Parameter(torch.tensor([float(w2)]))


class Features(nn.Module):
    """The shared feature extractor: l1..l4, each conv3x3 → BatchNorm → ReLU blocks ending in 2×2 max pooling."""

    def __init__(self, multiplier):
        super().__init__()
        widths = [[scaled(w, multiplier) for w in block] for block in BLOCKS]
        channels = [1] + [block[-1] for block in widths]
        self.l1, self.l2, self.l3, self.l4 = (_block(channels[i], widths[i]) for i in range(4))
        self.features = widths[-1][-1]

    def extract(self, x):
        return torch.flatten(self.l4(self.l3(self.l2(self.l1(x)))), 1)


def init_reference(module):
    """SpinalNet's initialization: conv weights N(0, sqrt(2 / (3·3·out))), BatchNorm 1 and 0, the rest PyTorch's."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2.0 / n))
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            m.weight.data.fill_(1)
            m.bias.data.zero_()


class VGG(Features):
    """VGG-5: the features, then Dropout → Linear(256, 512) → BatchNorm1d → ReLU → Dropout → Linear(512, C)."""

    def __init__(self, multiplier=1.0, dropout=0.5, num_classes=NUM_CLASSES):
        super().__init__(multiplier)
        hidden = scaled(VGG_HIDDEN, multiplier)
        self.classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(self.features, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )
        self.loss_module = LossModule()
        init_reference(self)

    def forward(self, x):
        return self.classifier(self.extract(x))


class SpinalVGG(Features):
    """Spinal-VGG: the features, then four spinal layers over alternating halves, then Dropout → Linear(4·w, C)."""

    def __init__(self, multiplier=1.0, dropout=0.5, num_classes=NUM_CLASSES):
        super().__init__(multiplier)
        self.half = self.features // 2
        width = scaled(SPINAL_WIDTH, multiplier)

        def spinal(inputs):
            return nn.Sequential(nn.Dropout(dropout), nn.Linear(inputs, width), nn.BatchNorm1d(width), nn.ReLU())

        self.fc_spinal_layer1 = spinal(self.half)
        self.fc_spinal_layer2 = spinal(self.half + width)
        self.fc_spinal_layer3 = spinal(self.half + width)
        self.fc_spinal_layer4 = spinal(self.half + width)
        self.fc_out = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * width, num_classes))
        self.loss_module = LossModule()
        init_reference(self)

    def forward(self, x):
        f = self.extract(x)
        a, b = f[:, : self.half], f[:, self.half : 2 * self.half]
        x1 = self.fc_spinal_layer1(a)
        x2 = self.fc_spinal_layer2(torch.cat([b, x1], dim=1))
        x3 = self.fc_spinal_layer3(torch.cat([a, x2], dim=1))
        x4 = self.fc_spinal_layer4(torch.cat([b, x3], dim=1))
        return self.fc_out(torch.cat([x1, x2, x3, x4], dim=1))


MODELS = {"vgg5": VGG, "spinal-vgg": SpinalVGG}
