"""Entry point of `python -m segmentation.audiences`, the same as
`segmentation audiences` (see cli.py)."""

import sys

from segmentation.audiences.cli import main

sys.exit(main())
