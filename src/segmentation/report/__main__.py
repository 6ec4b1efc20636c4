"""Entry point of `python -m segmentation.report`, the same as
`segmentation report` (see cli.py)."""

import sys

from segmentation.report.cli import main

sys.exit(main())
