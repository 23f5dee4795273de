"""Which names mean TensorFlow: imports, scopes, how a file spells a name, receiver types."""
