"""`tf.app.run()` -> `absl.app.run(main)`: TF1's run found `main` itself; absl's is given it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import Names, Site, Transform, always

if TYPE_CHECKING:
    import libcst as cst

_RUN = "absl.app.run"


def rewrite(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    import libcst as cst

    from tf2_lsp.transforms.values import renamed, the_call

    call = the_call(node)
    run = renamed(call, names, _RUN)
    if call.args:
        return run
    return run.with_changes(args=[cst.Arg(value=cst.Name("main"))])


TRANSFORMS = (Transform("absl_app_run", always, (_RUN,), rewrite),)
