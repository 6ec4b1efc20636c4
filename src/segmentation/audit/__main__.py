"""Entry point of `python -m segmentation.audit`, the same as
`segmentation audit` (see cli.py)."""

import sys

from segmentation.audit.cli import main

sys.exit(main())
