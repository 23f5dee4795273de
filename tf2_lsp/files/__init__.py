"""Files on disk: which ones a run covers, reading them as Python does, and a notebook's code
cells as one module (both faces use it)."""
