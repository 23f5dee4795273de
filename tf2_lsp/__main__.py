import sys

from tf2_lsp.cli.main import main

sys.exit(main())
