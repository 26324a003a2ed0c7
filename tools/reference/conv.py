#!/usr/bin/env python3
"""PyTorch reference values for constnet's convolution, pooling, bias-free dense, normalisation
and PReLU layers, and for the activations ELU, GELU (exact and tanh), SiLU, Softplus, Hardtanh
and ReLU6.

Writes tests/fixtures/reference/conv.json and tests/fixtures/reference/activations.json, which
tests/suite/reference.rs reads (the tests need no Python). Run from the repository root, with
torch installed:

    python3 tools/reference/conv.py

Layers. Every case builds the PyTorch module (`nn.Conv1d`, `nn.MaxPool1d`, `nn.AvgPool1d`,
`nn.AdaptiveAvgPool1d(1)`, `nn.AdaptiveMaxPool1d(1)`, `nn.Linear(bias=False)`, `nn.LayerNorm`,
`nn.PReLU`), followed by an activation where constnet's layer has one, sets every parameter
uniformly in [-0.8, 0.8) from a fixed seed (PReLU slopes in [0, 0.5)), feeds one input, and
records, under the loss L = sum(w * y) with random `loss_weights` w:

- `params`: each tensor under PyTorch's name, flattened row-major (PyTorch's layout, which is
  constnet's: Conv1d `weight` [C_out, C_in, K]);
- `input`: flattened time-major, constnet's layout ([LEN, C] as `[T; LEN*C]`); PyTorch's
  modules see it transposed to (1, C, LEN), and their outputs are transposed back;
- for a float64 run and a float32 run of the same values (rounded to float32 by `.float()`, as
  constnet's test rounds them with `as f32`): `output` y, `grads` dL/dparameter, `grad_x` dL/dx.

Causal padding is `F.pad(x, (dilation*(K-1), 0))` before a valid convolution; `Same` is
PyTorch's `padding='same'`. Inputs are drawn so that no max-pooling window has a tie.

Activations. For a grid of points away from the kinks (and, for Softplus, away from PyTorch's
threshold 20, above which PyTorch returns x itself), the value f(x) and the derivative f'(x)
(autograd) in float64 and float32.

Numbers are written with Python's repr, so the float64 values are exact.
"""

import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "..", "tests", "fixtures", "reference")

ACTIVATIONS = {
    "identity": lambda z: z,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "gelu": F.gelu,
}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def time_major(t):
    """(1, C, LEN) → flat [LEN * C]."""
    return t[0].transpose(0, 1).reshape(-1)


def channel_major(x, length, channels):
    """flat [LEN * C] → (1, C, LEN)."""
    return x.reshape(length, channels).transpose(0, 1).unsqueeze(0)


def conv_case(name, length, c_in, c_out, k, stride, dilation, padding, activation, seed):
    def build():
        pad = "same" if padding == "same" else 0
        return nn.Conv1d(c_in, c_out, k, stride=stride, dilation=dilation, padding=pad)

    def forward(module, x):
        xc = channel_major(x, length, c_in)
        if padding == "causal":
            xc = F.pad(xc, (dilation * (k - 1), 0))
        return time_major(ACTIVATIONS[activation](module(xc)))

    config = {"kind": "conv1d", "len": length, "c_in": c_in, "c_out": c_out, "k": k, "stride": stride,
              "dilation": dilation, "padding": padding, "activation": activation}
    return case(name, config, build, forward, length * c_in, seed)


def pool_case(name, kind, length, channels, pool, stride, seed):
    def build():
        return {
            "max": lambda: nn.MaxPool1d(pool, stride),
            "avg": lambda: nn.AvgPool1d(pool, stride),
            "global_avg": lambda: nn.AdaptiveAvgPool1d(1),
            "global_max": lambda: nn.AdaptiveMaxPool1d(1),
        }[kind]()

    def forward(module, x):
        return time_major(module(channel_major(x, length, channels)))

    config = {"kind": kind + "_pool", "len": length, "channels": channels, "pool": pool, "stride": stride}
    return case(name, config, build, forward, length * channels, seed)


def linear_case(name, inputs, outputs, activation, seed):
    def build():
        return nn.Linear(inputs, outputs, bias=False)

    def forward(module, x):
        return ACTIVATIONS[activation](module(x))

    config = {"kind": "dense_no_bias", "in": inputs, "out": outputs, "activation": activation}
    return case(name, config, build, forward, inputs, seed)


def layer_norm_case(name, width, group, seed):
    def build():
        return nn.LayerNorm(group)

    def forward(module, x):
        return module(x.reshape(width // group, group)).reshape(-1)

    config = {"kind": "layer_norm", "n": width, "c": group}
    return case(name, config, build, forward, width, seed)


def prelu_case(name, width, channels, seed):
    def build():
        return nn.PReLU(channels)

    def forward(module, x):
        if channels == 1:
            return module(x)
        # Time-major [LEN, C] → (1, C, LEN): PyTorch's channel dimension is 1.
        return time_major(module(channel_major(x, width // channels, channels)))

    config = {"kind": "prelu", "n": width, "c": channels}
    return case(name, config, build, forward, width, seed, slopes=True)


def case(name, config, build, forward, inputs, seed, slopes=False):
    torch.manual_seed(seed)
    module = build().double()
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(0.0, 0.5) if slopes else p.uniform_(-0.8, 0.8)
    x = torch.empty(inputs, dtype=torch.float64).uniform_(-1.0, 1.0)
    # float32-representable inputs and parameters, so both runs see the same numbers.
    x = x.float().double()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.float().double())
    with torch.no_grad():
        y = forward(module, x)
    w = torch.empty(y.numel(), dtype=torch.float64).uniform_(-1.0, 1.0).float().double()
    out = {"name": name, "config": config, "input": flat(x), "loss_weights": flat(w),
           "params": {n: flat(p) for n, p in module.named_parameters()}}
    for dtype, key in [(torch.float64, "float64"), (torch.float32, "float32")]:
        m = build().to(dtype)
        with torch.no_grad():
            for (_, p), (_, q) in zip(m.named_parameters(), module.named_parameters()):
                p.copy_(q.to(dtype))
        xi = x.to(dtype).clone().requires_grad_(True)
        m.zero_grad()
        yi = forward(m, xi)
        (yi * w.to(dtype)).sum().backward()
        out[key] = {"output": flat(yi), "grad_x": flat(xi.grad),
                    "grads": {n: flat(p.grad) for n, p in m.named_parameters()}}
    return out


LAYERS = [
    conv_case("conv-valid-10-2-3-k3", 10, 2, 3, 3, 1, 1, "valid", "identity", 1),
    conv_case("conv-valid-11-2-3-k3-s2-d2-tanh", 11, 2, 3, 3, 2, 2, "valid", "tanh", 2),
    conv_case("conv-valid-16-1-4-k5-gelu", 16, 1, 4, 5, 1, 1, "valid", "gelu", 3),
    conv_case("conv-causal-8-2-2-k3-d2", 8, 2, 2, 3, 1, 2, "causal", "identity", 4),
    conv_case("conv-causal-9-2-3-k2-s2-sigmoid", 9, 2, 3, 2, 2, 1, "causal", "sigmoid", 5),
    conv_case("conv-same-7-2-3-k4", 7, 2, 3, 4, 1, 1, "same", "identity", 6),
    conv_case("conv-same-9-3-2-k3-d2-tanh", 9, 3, 2, 3, 1, 2, "same", "tanh", 7),
    pool_case("max-8-3-2", "max", 8, 3, 2, 2, 8),
    pool_case("max-9-2-3-s2", "max", 9, 2, 3, 2, 9),
    pool_case("avg-8-3-4-s2", "avg", 8, 3, 4, 2, 10),
    pool_case("avg-6-2-3", "avg", 6, 2, 3, 3, 11),
    pool_case("global-avg-5-3", "global_avg", 5, 3, 5, 5, 12),
    pool_case("global-max-5-3", "global_max", 5, 3, 5, 5, 13),
    linear_case("dense-no-bias-5-3-sigmoid", 5, 3, "sigmoid", 14),
    linear_case("dense-no-bias-4-2", 4, 2, "identity", 15),
    layer_norm_case("layer-norm-6", 6, 6, 16),
    layer_norm_case("layer-norm-12-3", 12, 3, 17),
    prelu_case("prelu-8-1", 8, 1, 18),
    prelu_case("prelu-12-3", 12, 3, 19),
    prelu_case("prelu-5-5", 5, 5, 20),
]

ACTIVATION_FUNCTIONS = {
    "elu": lambda x: F.elu(x),
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": F.softplus,
    "hardtanh": F.hardtanh,
    "relu6": F.relu6,
}


def activation_points():
    # A grid through [-7, 7] that misses 0, ±1 and 6 (the kinks of ReLU6 and Hardtanh), plus
    # the tails and tiny values. Softplus is left out between 20 and 28 (see the docstring).
    grid = [-7.0 + 0.37 * i + 0.013 for i in range(38)]
    extra = [-40.0, -25.0, -12.5, -1e-4, 1e-4, 1e-7, 12.5, 30.0]
    return sorted(grid + extra)


def activations():
    points = activation_points()
    out = {"points": points, "functions": {}}
    for name, f in ACTIVATION_FUNCTIONS.items():
        entry = {}
        for dtype, key in [(torch.float64, "float64"), (torch.float32, "float32")]:
            x = torch.tensor(points, dtype=torch.float64).to(dtype).requires_grad_(True)
            y = f(x)
            y.sum().backward()
            entry[key] = {"value": flat(y), "derivative": flat(x.grad)}
        out["functions"][name] = entry
    return out


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {"generator": "tools/reference/conv.py", "torch": torch.__version__}
    with open(os.path.join(OUT_DIR, "conv.json"), "w") as f:
        json.dump({**meta, "cases": LAYERS}, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT_DIR, "activations.json"), "w") as f:
        json.dump({**meta, **activations()}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(LAYERS)} layer cases and {len(ACTIVATION_FUNCTIONS)} activations to {OUT_DIR}")


if __name__ == "__main__":
    main()
