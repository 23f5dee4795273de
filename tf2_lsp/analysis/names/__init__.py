"""Which names mean TensorFlow: imports, scopes, how a file spells a name, receiver types,
whether a name exists in the target's API (`coverage`)."""
