#!/usr/bin/env python3
"""PyTorch reference values for constnet's GRU and LSTM layers.

Writes tests/fixtures/reference/recurrent.json, which tests/suite/recurrent.rs reads (the tests
need no Python). Run from the repository root, with torch installed:

    python3 tools/reference/recurrent.py

Every case builds `torch.nn.GRU` or `torch.nn.LSTM` (one layer, `batch_first=True`, one
sequence of shape (1, steps, input_size), zero initial state), sets every parameter uniformly in
[-0.8, 0.8) from a fixed seed, and records:

- the parameters (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, flattened
  row-major: PyTorch's layout, which is constnet's) and the input (flattened time-major);
- `loss_weights` w, and under the loss L = sum(w * y), where y is the layer's output as constnet
  gives it (readout "last": the last hidden state h_n, shape [hidden]; readout "all": every
  step's hidden state, `output[0]` flattened time-major, shape [steps * hidden]):
- for a float64 run and a float32 run of the same values (rounded to float32 by `.float()`,
  as constnet's test rounds them with `as f32`): y, dL/dparameter for the four tensors, dL/dx.

Numbers are written with Python's repr, so the float64 values are exact.
"""

import json
import os
import sys

import torch

# (name, kind, input_size, hidden_size, steps, readout, seed)
CASES = [
    ("gru-3-4-5-last", "gru", 3, 4, 5, "last", 1),
    ("gru-3-4-5-all", "gru", 3, 4, 5, "all", 2),
    ("gru-2-8-10-last", "gru", 2, 8, 10, "last", 3),
    ("lstm-3-4-5-last", "lstm", 3, 4, 5, "last", 4),
    ("lstm-3-4-5-all", "lstm", 3, 4, 5, "all", 5),
    ("lstm-2-8-10-last", "lstm", 2, 8, 10, "last", 6),
]

PARAMS = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(module, x, w, readout):
    """The layer's output as constnet gives it, and every gradient of sum(w * y)."""
    x = x.clone().requires_grad_(True)
    module.zero_grad()
    output, _ = module(x)  # output: (1, steps, hidden), every step's h
    y = output[0, -1] if readout == "last" else output[0].reshape(-1)
    (y * w).sum().backward()
    return {
        "output": flat(y),
        "grads": {p: flat(getattr(module, p + "_l0").grad) for p in PARAMS},
        "grad_x": flat(x.grad),
    }


def case(name, kind, input_size, hidden_size, steps, readout, seed):
    torch.manual_seed(seed)
    cls = torch.nn.GRU if kind == "gru" else torch.nn.LSTM
    module = cls(input_size, hidden_size, num_layers=1, batch_first=True).double()
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.8, 0.8)
    x = torch.empty(1, steps, input_size, dtype=torch.float64).uniform_(-1.5, 1.5)
    outputs = hidden_size if readout == "last" else steps * hidden_size
    w = torch.empty(outputs, dtype=torch.float64).uniform_(-1.0, 1.0)

    single = cls(input_size, hidden_size, num_layers=1, batch_first=True)
    single.load_state_dict({k: v.float() for k, v in module.state_dict().items()})
    return {
        "name": name,
        "kind": kind,
        "input_size": input_size,
        "hidden_size": hidden_size,
        "steps": steps,
        "readout": readout,
        "params": {p: flat(getattr(module, p + "_l0")) for p in PARAMS},
        "x": flat(x),
        "loss_weights": flat(w),
        "float64": run(module, x, w, readout),
        "float32": run(single.float(), x.float(), w.float(), readout),
    }


def write(value, out, indent=0):
    """JSON with one line per array of numbers, so diffs stay readable."""
    pad = " " * indent
    if isinstance(value, dict):
        out.write("{\n")
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            out.write(f'{pad}  "{k}": ')
            write(v, out, indent + 2)
            out.write(",\n" if i + 1 < len(items) else "\n")
        out.write(pad + "}")
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        out.write("[\n")
        for i, v in enumerate(value):
            out.write(pad + "  ")
            write(v, out, indent + 2)
            out.write(",\n" if i + 1 < len(value) else "\n")
        out.write(pad + "]")
    else:
        out.write(json.dumps(value))


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = os.path.join(root, "tests", "fixtures", "reference", "recurrent.json")
    doc = {
        "generator": "tools/reference/recurrent.py",
        "torch": torch.__version__,
        "cases": [case(*c) for c in CASES],
    }
    with open(path, "w") as out:
        write(doc, out)
        out.write("\n")
    print(f"wrote {len(CASES)} cases to {os.path.relpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
