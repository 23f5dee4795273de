"""The rule catalogue: loading and validating `rules/*.toml` (checked against the transforms
that `tf2_lsp.transforms.registry` finds), rule docs, TensorFlow API names and signatures."""
