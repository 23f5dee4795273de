"""Files on disk: which ones a run covers, and reading them as Python does (both faces use it)."""
