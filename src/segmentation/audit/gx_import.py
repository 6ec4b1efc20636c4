"""The one place the audit imports Great Expectations.

GX reads GX_ANALYTICS_ENABLED when it is imported and when a context starts;
the project never reports usage and often runs with no network, so the
variable is set (unless the caller chose otherwise) before the import.
"""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

__all__ = ["Column", "gx", "gxe"]
