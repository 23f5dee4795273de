"""One module per transform: when it applies (`ast`), its libcst rewrite, its optional text
splice; `registry` names them all. Nothing here loads libcst at import (see `base`)."""
