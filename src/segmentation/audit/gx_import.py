"""The one place the audit imports Great Expectations.

GX reads GX_ANALYTICS_ENABLED when it is imported and when a context starts;
the project never reports usage and often runs with no network, so the
variable is set (unless the caller chose otherwise) before the import.

GX also tries Spark Connect when pyspark is installed (`make test-spark`
installs it). pyspark.sql.connect ends the whole process, with exit code 0,
when `__main__` has no file, taking that for a doctest run: pytest-xdist's
workers look like that. GX treats an ImportError as "no Spark Connect", so in
such a process that is what it gets; the audit never uses Spark.
"""

import os
import sys

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

_main = sys.modules.get("__main__")
if (
    _main is not None
    and getattr(_main, "__spec__", None) is None
    and not hasattr(_main, "__file__")
):
    sys.modules.setdefault("pyspark.sql.connect", None)

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

__all__ = ["Column", "gx", "gxe"]
