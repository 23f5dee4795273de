"""Package list for setuptools; everything else is declared in pyproject.toml.

pyproject.toml can either list packages by hand or discover them, not both. A hand-written list
silently dropped `tf2_lsp.transforms` from the wheel once (an editable install hides such a
miss), so packages are discovered here, and the one package that lives outside `tf2_lsp/` (the
rule files, kept in the top-level `rules/` directory and installed as `tf2_lsp.rules_data`) is
added to what discovery finds.
"""

from setuptools import find_namespace_packages, setup

# Namespace discovery also lists the data-only folders (catalogue/data, catalogue/api_names)
# as packages, which is how setuptools wants package data kept in a subfolder.
packages = find_namespace_packages(include=["tf2_lsp", "tf2_lsp.*"], exclude=["*.__pycache__"])
setup(packages=[*packages, "tf2_lsp.rules_data"])
