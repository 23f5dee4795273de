"""The call model: a TF1 call bound to its TF1 signature, mapped onto its target, verified.

`plan_call` takes three steps, one module each:

1. `bind`: every argument of the TF1 call is bound to the parameter it fills in TF1
   (positional arguments by position, keywords by name);
2. `carry`: each bound argument is carried onto the target function:

   * same name in the target: kept (by keyword once the positional order differs);
   * a TF1 deprecated argument pair (`dim` -> `axis`, from the signature data), a rename in
     the rule's `arguments` table, or, for a renamed function, the parameter in the same
     position with the same required-ness (`dirname` -> `path`): renamed (`parameters`);
   * a `convert` entry of the rule (`keep_prob` -> `rate = 1 - keep_prob`): converted;
   * no counterpart: dropped only when its value provably keeps TF1 behaviour (the TF1
     default, or a value the rule's `keep` table lists); otherwise the call keeps TF1
     behaviour through `tf.compat.v1.<same name>` (at both levels: TF2 has no form of that
     call), or the fix is refused with the reason when there is no such function;

3. `verify`: the emitted call is bound against the target's signature for the target version.
   A fix that would not bind is never offered.

Everything here is `ast` and the signature data: this runs during detection, on the keystroke
path. This package's names are its interface; its modules are the steps.
"""

from tf2_lsp.analysis.call_model.arguments import arguments_in_order, literal, same_value
from tf2_lsp.analysis.call_model.carry import converted_call
from tf2_lsp.analysis.call_model.parameters import merge_changes, parameter_map
from tf2_lsp.analysis.call_model.plan import plan_call
from tf2_lsp.analysis.call_model.verdict import UNCHANGED, CallVerdict
from tf2_lsp.analysis.call_model.verify import binding_problem, call_map_problem, written_for_tf2

__all__ = [
    "UNCHANGED",
    "CallVerdict",
    "arguments_in_order",
    "binding_problem",
    "call_map_problem",
    "converted_call",
    "literal",
    "merge_changes",
    "parameter_map",
    "plan_call",
    "same_value",
    "written_for_tf2",
]
