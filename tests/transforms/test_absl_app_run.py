"""`tf.app.run()` -> absl's `app.run(main)` at native level (transforms/absl_app_run.py)."""

from __future__ import annotations

from tests.fixes.test_apply import TF, check
from tf2_lsp.catalogue.rules import Catalogue


def test_native_flags_and_app_run(catalogue: Catalogue) -> None:
    check(
        TF + "FLAGS = tf.flags.FLAGS\ntf.app.flags.DEFINE_string('a', 'b', 'c')\n"
        "if __name__ == '__main__':\n    tf.app.run(main)\n",
        TF + "from absl import flags\nfrom absl import app\nFLAGS = flags.FLAGS\n"
        "flags.DEFINE_string('a', 'b', 'c')\nif __name__ == '__main__':\n    app.run(main)\n",
        catalogue,
        level="native",
    )


def test_absl_app_run_no_op(catalogue: Catalogue) -> None:
    body = "from absl import app\napp.run(main)\n"
    check(TF + body, TF + body, catalogue, level="native")
