from __future__ import annotations

import pytest

from tf2_lsp.verify import variables


@pytest.mark.tensorflow
def test_a_keras_3_variable_is_named_by_its_path_the_checkpoint_key() -> None:
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    created: list[object] = []

    def capture(next_creator, **kwargs):  # type: ignore[no-untyped-def]
        created.append(next_creator(**kwargs))
        return created[-1]

    class Tower(keras.layers.Layer):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(name="tower")
            self.hidden = keras.layers.Dense(4, name="hidden")

        def call(self, x):  # type: ignore[no-untyped-def]
            return self.hidden(x)

    with tf.variable_creator_scope(capture):
        tower = Tower()
        tower(tf.ones([2, 6]))
    loose = tf.Variable(tf.zeros([3]), name="w")
    found = variables.unique([*created, *created, loose])
    paths = variables.keras_paths({"tower": tower, "Tower": Tower, "n": 3})
    assert variables.names(found, paths) == [
        ("tower/hidden/kernel", "(6, 4)"),
        ("tower/hidden/bias", "(4,)"),
        ("w", "(3,)"),
    ]
    # Without the paths, Keras 3 names it by the outer layer only: another checkpoint key.
    assert variables.names(found[:1]) == [("tower/kernel", "(6, 4)")]
