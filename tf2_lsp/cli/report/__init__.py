"""`tf2-lsp report`: the state of a code base's migration as one HTML page or JSON document."""
