"""Fixtures of the clustering tests: real data sets turned into features."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from clustering_data import MARKETING, RETAIL, RETAIL_SPEC, RETAIL_SQL


def _skip_without(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real data set not available: {path}")


@pytest.fixture(scope="session")
def retail() -> pd.DataFrame:
    """UCI Online Retail 2010-2011: one row per customer, RFM-style features
    (cancellations ignored); 4,339 customers, one with monetary <= 0."""
    _skip_without(RETAIL)
    with duckdb.connect() as con:
        df = con.execute(RETAIL_SQL, {"as_of": None}).df()
    return df.astype({"frequency": "int64", "tenure_days": "int64"})


@pytest.fixture(scope="session")
def marketing() -> pd.DataFrame:
    """Customer Personality Analysis: 2,240 customers, Income partly missing."""
    _skip_without(MARKETING)
    raw = pd.read_csv(MARKETING, sep="\t")
    spend_cols = [c for c in raw.columns if c.startswith("Mnt")]
    buy_cols = ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]
    return pd.DataFrame(
        {
            "customer_id": raw["ID"].astype(str),
            "Recency": raw["Recency"],
            "purchases": raw[buy_cols].sum(axis=1),
            "spend": raw[spend_cols].sum(axis=1),
            "Income": raw["Income"],
            "web_visits": raw["NumWebVisitsMonth"],
            "Response": raw["Response"],
            "Education": raw["Education"],
            "Z_CostContact": raw["Z_CostContact"],
        }
    )


@pytest.fixture(scope="session")
def retail_x(retail: pd.DataFrame) -> np.ndarray:
    """Standardised retail features (the heavy-tailed real sample)."""
    from segmentation.clustering import prepare_features

    return prepare_features(retail, RETAIL_SPEC).x
