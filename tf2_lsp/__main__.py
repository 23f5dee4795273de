import sys

from tf2_lsp.cli import main

sys.exit(main())
