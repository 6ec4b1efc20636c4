"""Entry point of `python -m segmentation.publish`, the same as
`segmentation publish` (see cli.py)."""

import sys

from segmentation.publish.cli import main

sys.exit(main())
