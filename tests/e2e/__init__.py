"""End-to-end tests: a real tf2-lsp server subprocess (and editors) over LSP."""
