"""The language server face: handlers, document state, LSP conversions, code actions, hover."""
