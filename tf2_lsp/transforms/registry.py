"""Every transform by name: rules name one (`transform = "cast_to"`), the catalogue checks the
name on load, detection asks `applies`, the planner calls `rewrite`/`splice`/`statement`."""

from __future__ import annotations

from tf2_lsp.transforms import (
    absl_app_run,
    cast,
    dimension,
    file_writer,
    keras,
    program_opt_out,
    regularizers,
    softmax_xent,
    tf2_twin,
    to_function,
    to_method,
    type_comparison,
    xavier,
)
from tf2_lsp.transforms.base import Transform

TRANSFORMS: dict[str, Transform] = {
    transform.name: transform
    for unit in (
        regularizers,
        xavier,
        cast,
        type_comparison,
        dimension,
        program_opt_out,
        to_function,
        to_method,
        absl_app_run,
        keras,
        file_writer,
        tf2_twin,
        softmax_xent,
    )
    for transform in unit.TRANSFORMS
}


def transform_target(name: str | None, symbol: str) -> str | None:
    """The callable transform `name` writes for `symbol`, if it writes one."""
    transform = TRANSFORMS.get(name or "")
    return transform.target_for(symbol) if transform is not None else None
