"""Source -> findings: scopes and name resolution, rule matching, suppression, receivers,
incremental re-analysis and notebooks. Stdlib `ast` only: this layer runs on every keystroke."""
