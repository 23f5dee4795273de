"""The rule catalogue: what a rule is (`rules`), one `rules/*.toml` file read and validated
(`rule_file`, with `field_reader`), the bundled catalogue loaded once (`load`), rule docs
(`docs`), TensorFlow's API names and signatures per version (`api`, `signatures`), and which
fixes are proved or available (`proofs`, `availability`). The transforms a rule names live in
`tf2_lsp.transforms` (found by `tf2_lsp.transforms.registry`), one layer below."""
