"""The value page (customer lifetime value, revenue at risk, the model's
calibration), shown only when the published file has the value tables."""

from __future__ import annotations

from segmentation.report.context import Context


def build_value(ctx: Context) -> None:
    if ctx.data.value is None:
        return
