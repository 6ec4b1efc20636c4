"""The one exception the publish step raises, so callers (the pipeline, the
CLI) can tell "the published copy did not move" apart from a bug."""

from __future__ import annotations


class PublishError(Exception):
    """Publishing failed; the message says what failed, on which path, and
    whether the published file is unchanged (it is, unless it says so)."""
