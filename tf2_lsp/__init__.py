"""tf2-lsp: find TensorFlow 1.x API uses and rewrite them for TensorFlow 2."""

__version__ = "0.1.0"
