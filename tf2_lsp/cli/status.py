"""The exit statuses of every command (`tf2-lsp --help` explains them to users)."""

EXIT_CLEAN = 0  # nothing found, nothing changed and nothing left, or written
EXIT_FINDINGS = 1  # findings reported, a diff shown, or findings left for review
EXIT_ERROR = 2  # a usage, configuration or I/O error
