"""Lines a dbt Python model prints into the build's own output."""

from __future__ import annotations

import logging
import sys

#: Marks the handler this module added, so that it is added once per logger.
_MARK = "_segmentation_build_output"


def print_to_build_output(logger: logging.Logger) -> None:
    """Print `logger`'s lines to stdout, timestamped like dbt's own lines.
    One handler per logger and process, pointed at the stdout of the current
    run: dbt may run several builds in one process, each with its own output
    stream."""
    # Set on every run: code that ran in this process since (a caller's own
    # handlers, a logging.config call) may have changed them.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.disabled = False
    for handler in logger.handlers:
        if getattr(handler, _MARK, False):
            try:
                handler.setStream(sys.stdout)
            except ValueError:
                # The last run's stream is closed: nothing left to flush.
                handler.stream = sys.stdout
            return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    setattr(handler, _MARK, True)
    logger.addHandler(handler)
