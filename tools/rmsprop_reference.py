#!/usr/bin/env python3
"""Reference values for constnet's RMSprop test (src/optim/rmsprop.rs).

Evaluates Keras' RMSprop update (keras/src/optimizers/rmsprop.py, `update_step` without momentum
and not centered) in IEEE double precision, with the same operation order:

    velocity  = rho * velocity + (1 - rho) * square(gradient)
    increment = (learning_rate * gradient) / sqrt(velocity + epsilon)
    variable  = variable - increment

velocity starts at 0. Plain Python floats are IEEE doubles, so no third-party package is needed.
Run `python3 tools/rmsprop_reference.py` and paste the printed arrays into the test; the test
itself never runs Python.
"""

import math


def rmsprop(w, grads, lr, rho=0.9, epsilon=1e-7):
    """Weights after each step for a fixed gradient sequence."""
    velocity = 0.0
    out = []
    for g in grads:
        velocity = rho * velocity + (1 - rho) * (g * g)
        w = w - (lr * g) / math.sqrt(velocity + epsilon)
        out.append(w)
    return out


def rmsprop_quadratic(w, steps, lr, rho=0.9, epsilon=1e-7):
    """Weights after each step minimising w^2/2 (gradient = w), as in the Keras docstring."""
    velocity = 0.0
    out = []
    for _ in range(steps):
        g = w
        velocity = rho * velocity + (1 - rho) * (g * g)
        w = w - (lr * g) / math.sqrt(velocity + epsilon)
        out.append(w)
    return out


def show(name, values):
    print(f"// {name}")
    print("[" + ", ".join(repr(v) for v in values) + "]")


GRADS = [0.5, -0.25, 1e-4, 3.0, -2e-3, 0.0, 7e-5, -1.5]
show("defaults (rho 0.9, epsilon 1e-7), lr 0.01, w0 = 1, gradients " + repr(GRADS),
     rmsprop(1.0, GRADS, 0.01))
show("rho 0.5, epsilon 1e-3, lr 0.05, w0 = -2, same gradients",
     rmsprop(-2.0, GRADS, 0.05, rho=0.5, epsilon=1e-3))
show("w^2/2 from w0 = 10, lr 0.1, defaults, 6 steps (Keras docstring: 9.683772 after one)",
     rmsprop_quadratic(10.0, 6, 0.1))
show("tiny gradients 1e-5 x 5, lr 0.001, w0 = 0: epsilon inside the root bounds the step",
     rmsprop(0.0, [1e-5] * 5, 0.001))
