"""The command-line face: parsing arguments, output formats, file discovery, source files."""
