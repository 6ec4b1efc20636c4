"""DuckDB's memory limit for the publish's own DuckDB work (the copy to the
published file), the limit dbt's connections get from profiles.yml: env var
SEGMENTATION_MEMORY_LIMIT, else the default below, which profiles.yml
repeats (a test holds the two together)."""

from __future__ import annotations

import os

import duckdb

ENV_VAR = "SEGMENTATION_MEMORY_LIMIT"
# DuckDB's units (GB = 10^9 bytes); DuckDB spills to disk beyond it. It is
# DuckDB's share only: dbt's own process and the Python models (K-means,
# CLV) use memory beside it, about 2.5 GiB at 5M customers, so at 50M order
# lines the whole publish peaks near 6.4 GiB (docs/benchmark.md).
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit() -> str:
    """The limit to give a DuckDB connection, e.g. ``"4GB"``.

    Raises:
        ValueError: the env var holds what DuckDB does not read as a size,
            naming the env var.
    """
    value = os.environ.get(ENV_VAR) or DEFAULT_MEMORY_LIMIT
    try:
        duckdb.connect(":memory:", config={"memory_limit": value}).close()
    except duckdb.Error as error:
        raise ValueError(
            f"env var {ENV_VAR} = {value!r} is not a memory size DuckDB reads"
            f" ({error}); give one such as 4GB or 512MB, or unset it for the"
            f" default {DEFAULT_MEMORY_LIMIT}"
        ) from None
    return value
