"""``python -m app``: the window with no command, otherwise the command line."""

import sys

from app.cli.main import main

sys.exit(main())
