"""The spread check of tf2_lsp/verify/compare.py: copied weights must not hide an initialiser
that draws from another range (numpy only)."""

from __future__ import annotations

import numpy as np

from tf2_lsp.verify.compare import other_spread

RNG = np.random.RandomState(0)


def test_same_initialiser_drawn_twice_is_the_same_spread() -> None:
    old = {"d/kernel": RNG.normal(0.0, 1.0, (64, 8)).astype(np.float32), "d/bias": np.zeros(8)}
    new = {"d/kernel": RNG.normal(0.0, 1.0, (64, 8)).astype(np.float32), "d/bias": np.zeros(8)}
    assert other_spread(old, new) is None


def test_another_stddev_is_another_spread() -> None:
    # The audit's `tf.random_normal_initializer()`: TF1 drew stddev 1.0, TF2's function 0.05;
    # the harness started the TF2 side from TF1's weights and called it equal.
    old = {"rn/d/kernel": RNG.normal(0.0, 1.0, (64, 8)).astype(np.float32)}
    new = {"rn/d/kernel": RNG.normal(0.0, 0.05, (64, 8)).astype(np.float32)}
    said = other_spread(old, new)
    assert said is not None and said.startswith("initial rn/d/kernel: drawn from another range")


def test_another_centre_is_another_spread() -> None:
    old = {"w": RNG.uniform(0.0, 1.0, 400)}  # TF1's U[0, 1)
    new = {"w": RNG.uniform(-0.5, 0.5, 400)}  # as wide, centred on 0
    assert other_spread(old, new) is not None


def test_another_constant_is_another_draw() -> None:
    assert other_spread({"b": np.full(3, 0.1)}, {"b": np.zeros(3)}) is not None
    assert other_spread({"b": np.full(3, 0.1)}, {"b": RNG.normal(0, 0.1, 3)}) is not None
    assert other_spread({"b": np.full(3, 0.1)}, {"b": np.full(3, 0.1)}) is None


def test_few_values_names_on_one_side_and_integers_say_nothing() -> None:
    assert other_spread({"w": RNG.normal(0, 1.0, 20)}, {"w": RNG.normal(0, 0.05, 20)}) is None
    assert other_spread({"w": RNG.normal(0, 1.0, 200)}, {"v": RNG.normal(0, 0.05, 200)}) is None
    assert other_spread({"step": np.arange(200)}, {"step": np.zeros(200, np.int64)}) is None
