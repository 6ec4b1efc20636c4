"""Derivation of independent, reproducible random streams from one ``seed: int``.

Every random choice in :mod:`segmentation.clustering` comes from a
:func:`numpy.random.default_rng` created here. A stream is identified by the
user's seed plus a small tuple of integer tags (for example ``(FIT, k)``), so the
K-means fit for ``k = 4`` is the same whether it runs inside the model selection,
in the side-by-side comparison or as the final fit, and adding another ``k`` to the
range does not change the others.
"""

from __future__ import annotations

import numpy as np

#: Tag of the stream used by the K-means fit of a given ``k``.
FIT = 1
#: Tag of the streams used by the bootstrap stability estimate.
BOOTSTRAP = 2
#: Tag of the stream that draws the silhouette sample.
SILHOUETTE = 3
#: Tag of the streams used when an oversized cluster is split.
SPLIT = 4
#: Tag of the stream that draws the stability evaluation sample.
STABILITY_EVAL = 5


def derive_seed(seed: int, *tags: int) -> int:
    """Return a 63-bit seed derived deterministically from ``seed`` and ``tags``.

    Args:
        seed: The user's seed (any non-negative int).
        *tags: Non-negative ints naming the purpose of the stream.

    Returns:
        A non-negative int usable as ``numpy.random.default_rng(seed)``.
    """
    if seed < 0 or any(t < 0 for t in tags):
        raise ValueError(f"seed and tags must be non-negative, got {seed}, {tags}")
    state = np.random.SeedSequence([int(seed), *map(int, tags)]).generate_state(
        1, dtype=np.uint64
    )
    return int(state[0] >> np.uint64(1))


def make_rng(seed: int, *tags: int) -> np.random.Generator:
    """Return ``numpy.random.default_rng`` seeded with :func:`derive_seed`."""
    return np.random.default_rng(derive_seed(seed, *tags))
