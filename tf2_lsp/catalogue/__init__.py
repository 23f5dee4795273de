"""The rule catalogue: loading and validating `rules/*.toml`, rule docs, the transform registry."""
