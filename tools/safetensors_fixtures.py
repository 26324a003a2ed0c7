#!/usr/bin/env python3
"""The safetensors fixtures of constnet's tests, from PyTorch and Keras, and the check of the way back.

    python tools/safetensors_fixtures.py           # writes tests/fixtures/safetensors/
    python tools/safetensors_fixtures.py --check   # loads constnet's exports into PyTorch and Keras

Writing: trains the circles classifier of the README (2-4-6-6-4-1, ReLU, sigmoid) in PyTorch and
saves it in every naming and element type constnet reads, with PyTorch's outputs on fixed inputs;
trains the same network in Keras and saves it with Keras names (`hidden1/kernel`, `[in, out]`),
with Keras' outputs. The tests read only the committed files; CI needs no Python.

Checking: `CONSTNET_WRITE_FIXTURES=1 cargo test -p constnet --features safetensors --test suite
safetensors::export` writes `constnet_export*.safetensors` (a network trained by constnet) and its
outputs; `--check` loads them with `load_state_dict(strict=True)` into a PyTorch module with
fields, into an `nn.Sequential`, and with `set_weights` into Keras, and prints the largest
difference from constnet's outputs.

Needs torch, numpy, safetensors and keras (run with KERAS_BACKEND=torch; without keras the Keras
fixture is skipped).
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import torch
from safetensors.numpy import load_file as load_numpy
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import load_file, save_file

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "safetensors"
WIDTHS = [2, 4, 6, 6, 4, 1]
NAMES = ["hidden1", "hidden2", "hidden3", "hidden4", "output"]


class Circles(torch.nn.Module):
    """The network of `network!`, with attributes named like its layers."""

    def __init__(self):
        super().__init__()
        for name, (i, o) in zip(NAMES, zip(WIDTHS, WIDTHS[1:])):
            setattr(self, name, torch.nn.Linear(i, o))

    def logits(self, x):
        for name in NAMES[:-1]:
            x = torch.relu(getattr(self, name)(x))
        return self.output(x)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def sequential():
    """The same network as an nn.Sequential: Linear, ReLU, …, Linear, Sigmoid (0, 2, 4, 6, 8)."""
    modules = []
    for i, o in zip(WIDTHS, WIDTHS[1:]):
        modules += [torch.nn.Linear(i, o), torch.nn.ReLU()]
    modules[-1] = torch.nn.Sigmoid()
    return torch.nn.Sequential(*modules)


def circles(n, rng, factor=0.3, noise=0.1):
    """scikit-learn's make_circles: half the points on the unit circle, half on a smaller one."""
    angle = rng.uniform(0, 2 * np.pi, n)
    label = np.arange(n) % 2
    radius = np.where(label == 1, factor, 1.0)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1) + rng.normal(0, noise, (n, 2))
    return x.astype(np.float32), label.astype(np.float32)


def inputs():
    """The inputs the outputs are recorded for: a grid over the data and a few far points."""
    grid = [(x, y) for x in np.linspace(-1.5, 1.5, 7) for y in np.linspace(-1.5, 1.5, 7)]
    return np.array(grid + [(0.0, 0.0), (3.0, -2.0), (-10.0, 7.5)], dtype=np.float32)


def write_outputs(path, x, y):
    """One sample per line: inputs, then outputs, each float32 written exactly (repr of its value)."""
    with open(path, "w") as f:
        for xs, ys in zip(x, y):
            f.write(" ".join(repr(float(v)) for v in (*xs, *ys)) + "\n")


def read_outputs(path, inputs):
    rows = np.loadtxt(path, dtype=np.float64, ndmin=2)
    return rows[:, :inputs].astype(np.float32), rows[:, inputs:]


def train_torch(x, y):
    torch.manual_seed(3)
    model = Circles()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)[:, None]
    for _ in range(1500):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    accuracy = ((model(xt) > 0.5).float() == yt).float().mean().item()
    print(f"PyTorch: loss {loss.item():.4f}, training accuracy {accuracy:.3f}")
    return model


def keras_model():
    import keras

    layers = [keras.Input((2,))]
    for name, o in zip(NAMES, WIDTHS[1:]):
        layers.append(keras.layers.Dense(o, activation="sigmoid" if name == "output" else "relu", name=name))
    return keras.Sequential(layers)


def write():
    OUT.mkdir(parents=True, exist_ok=True)
    x, y = circles(1000, np.random.default_rng(7))
    model = train_torch(x, y)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, OUT / "circles.safetensors")
    seq = sequential()
    seq.load_state_dict({f"{2 * NAMES.index(k.split('.')[0])}.{k.split('.')[1]}": v for k, v in state.items()})
    save_file({k: v.contiguous() for k, v in seq.state_dict().items()}, OUT / "circles_sequential.safetensors")
    for dtype, name in [(torch.float64, "f64"), (torch.float16, "f16"), (torch.bfloat16, "bf16")]:
        save_file({k: v.to(dtype) for k, v in state.items()}, OUT / f"circles_{name}.safetensors")
        if dtype != torch.float64:
            # What constnet must read from the narrow file: PyTorch's own widening.
            widened = {k: v.to(dtype).to(torch.float32) for k, v in state.items()}
            save_file(widened, OUT / f"circles_{name}_widened.safetensors")
    xs = inputs()
    with torch.no_grad():
        ys = model(torch.from_numpy(xs)).numpy()
        zs = model.logits(torch.from_numpy(xs)).numpy()
        assert torch.equal(seq(torch.from_numpy(xs)), model(torch.from_numpy(xs)))
    # Outputs and logits (the sigmoid saturates; the logits show every weight).
    write_outputs(OUT / "circles_outputs.txt", xs, np.concatenate([ys, zs], axis=1))
    print(f"wrote {OUT}/circles*.safetensors and circles_outputs.txt ({len(xs)} samples)")

    try:
        import keras
    except ImportError:
        print("keras is not installed: keras_circles.safetensors not rewritten")
        return
    keras.utils.set_random_seed(0)
    km = keras_model()
    km.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = km.fit(x, y, epochs=60, batch_size=32, verbose=0)
    print(f"Keras {keras.__version__} ({keras.backend.backend()}): training accuracy {history.history['accuracy'][-1]:.3f}")
    weights = {}
    for layer in km.layers:
        kernel, bias = layer.get_weights()
        weights[f"{layer.name}/kernel"] = np.ascontiguousarray(kernel)
        weights[f"{layer.name}/bias"] = bias
    save_numpy(weights, OUT / "keras_circles.safetensors")
    write_outputs(OUT / "keras_outputs.txt", xs, km.predict(xs, verbose=0))
    print(f"wrote {OUT}/keras_circles.safetensors and keras_outputs.txt")


def check():
    xs, expected = read_outputs(OUT / "constnet_export_outputs.txt", 2)
    model = Circles()
    model.load_state_dict(load_file(OUT / "constnet_export.safetensors"), strict=True)
    with torch.no_grad():
        got = model(torch.from_numpy(xs)).double().numpy()
    print(f"PyTorch module, load_state_dict(strict=True): max |PyTorch - constnet| = {np.abs(got - expected).max():.3e}")
    seq = sequential()
    seq.load_state_dict(load_file(OUT / "constnet_export_sequential.safetensors"), strict=True)
    with torch.no_grad():
        got = seq(torch.from_numpy(xs)).double().numpy()
    print(f"nn.Sequential, load_state_dict(strict=True): max |PyTorch - constnet| = {np.abs(got - expected).max():.3e}")
    try:
        import keras  # noqa: F401
    except ImportError:
        print("keras is not installed: Keras check skipped")
        return
    km = keras_model()
    f = load_numpy(OUT / "constnet_export_keras.safetensors")
    for layer in km.layers:
        layer.set_weights([f[f"{layer.name}/kernel"], f[f"{layer.name}/bias"]])
    got = km.predict(xs, verbose=0).astype(np.float64)
    print(f"Keras, set_weights: max |Keras - constnet| = {np.abs(got - expected).max():.3e}")


if __name__ == "__main__":
    check() if "--check" in sys.argv[1:] else write()
