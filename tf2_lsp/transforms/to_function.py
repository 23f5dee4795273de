"""A method or attribute TF2 dropped, written as the function that replaced it; the rule's
`to` table names the function (`dataset.make_one_shot_iterator()` ->
`tf.compat.v1.data.make_one_shot_iterator(dataset)`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tf2_lsp.transforms.base import FixError, Names, Site, Transform, always

if TYPE_CHECKING:
    import libcst as cst


def method_to_function(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    """`receiver.method(args)` -> `function(receiver, args)`."""
    import libcst as cst

    from tf2_lsp.transforms.values import renamed, the_call, with_args

    call = the_call(node)
    if site.target is None or not isinstance(call.func, cst.Attribute):
        raise FixError("no function to call instead of the method")
    receiver = cst.Arg(value=call.func.value)
    return with_args(renamed(call, names, site.target), [receiver, *call.args])


def attribute_to_function(node: cst.BaseExpression, site: Site, names: Names) -> cst.BaseExpression:
    """`dataset.output_types` -> `tf.compat.v1.data.get_output_types(dataset)`."""
    import libcst as cst

    if site.target is None or not isinstance(node, cst.Attribute):
        raise FixError("no function to call instead of the attribute")
    func = cst.parse_expression(names.name(site.target))
    return cst.Call(func=func, args=[cst.Arg(value=node.value)])


TRANSFORMS = (
    Transform("method_to_function", always, (), method_to_function),
    Transform("attribute_to_function", always, (), attribute_to_function),
)
