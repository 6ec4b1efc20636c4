"""Tests of the synthetic order-line generator (segmentation_dev.datagen)."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from segmentation_dev import datagen
from segmentation_dev.datagen import COLUMNS, generate_order_lines

LINES = 300_000


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("datagen") / "clean.parquet"
    summary = generate_order_lines(path, LINES, seed=7)
    return path, summary, pd.read_parquet(path)


@pytest.fixture(scope="module")
def orders(clean):
    """One row per order: customer, time, return flag, line count."""
    _, _, df = clean
    return df.groupby("order_id").agg(
        customer_id=("customer_id", "first"),
        n_customers=("customer_id", "nunique"),
        ordered_at=("ordered_at", "first"),
        n_times=("ordered_at", "nunique"),
        lines=("order_id", "size"),
        min_quantity=("quantity", "min"),
        max_quantity=("quantity", "max"),
    )


# --------------------------------------------------------------------------
# shape and counts


@pytest.mark.parametrize(
    ("lines", "customers"),
    [(1, None), (7, 7), (9, 2), (1_000, None), (100_003, 777), (54_321, 54_321)],
)
def test_exact_line_count(tmp_path, lines, customers):
    path = tmp_path / "x.parquet"
    summary = generate_order_lines(path, lines, customers=customers, seed=1)
    df = pd.read_parquet(path)
    assert len(df) == lines == summary["lines"]
    expected_customers = customers or max(1, lines // 10)
    assert df["customer_id"].nunique() == expected_customers
    assert summary["customers"] == expected_customers
    assert df["order_id"].nunique() == summary["orders"]


def test_columns_and_types(clean):
    path, _, df = clean
    schema = pq.read_schema(path)
    assert schema.names == list(COLUMNS)
    assert [str(t) for t in schema.types] == [
        "string",
        "string",
        "timestamp[us]",
        "string",
        "int32",
        "double",
        "string",
    ]
    assert df["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert df["order_id"].str.fullmatch(r"C?\d{7}").all()
    assert df["product_id"].str.fullmatch(r"P\d{5}").all()
    assert df["ordered_at"].min() >= pd.Timestamp("2022-01-01")
    assert df["ordered_at"].max() < pd.Timestamp("2022-01-01") + pd.Timedelta(days=730)
    assert (df["ordered_at"].dt.microsecond == 0).all()
    assert df.notna().all().all()


def test_clean_data_is_clean(clean):
    _, summary, df = clean
    assert summary["bad_lines"] == 0
    assert (df["customer_id"].str.strip() != "").all()
    assert (df["quantity"] != 0).all()
    assert (df["unit_price"] > 0).all()
    assert not df.duplicated().any()
    # an order never lists a product twice
    assert not df.duplicated(["order_id", "product_id"]).any()


def test_orders_are_consistent(orders):
    assert (orders["n_customers"] == 1).all()
    assert (orders["n_times"] == 1).all()
    is_return = orders.index.str.startswith("C")
    # return orders: only negative quantities; purchases: only positive
    assert (orders.loc[is_return, "max_quantity"] < 0).all()
    assert (orders.loc[~is_return, "min_quantity"] > 0).all()


def test_every_customer_has_a_purchase_before_any_return(orders):
    is_return = orders.index.str.startswith("C")
    first_purchase = orders[~is_return].groupby("customer_id")["ordered_at"].min()
    assert first_purchase.index.nunique() == LINES // 10
    returns = orders[is_return]
    assert len(returns) > 0
    before = first_purchase.reindex(returns["customer_id"]).to_numpy()
    assert (before < returns["ordered_at"].to_numpy()).all()


def test_return_lines_take_back_products_bought_before(clean):
    _, _, df = clean
    ret = df[df["order_id"].str.startswith("C")]
    bought = df[~df["order_id"].str.startswith("C")]
    pairs = ret.merge(
        bought[["customer_id", "product_id", "unit_price"]].drop_duplicates(),
        on=["customer_id", "product_id", "unit_price"],
        how="left",
        indicator=True,
    )
    # nearly all (a product repeated in a return order is shifted to another)
    assert (pairs["_merge"] == "both").mean() > 0.95


def test_skew_of_orders_per_customer(orders):
    purchases = orders[~orders.index.str.startswith("C")]
    per_customer = purchases.groupby("customer_id").size()
    assert len(per_customer) == LINES // 10
    one_order = (per_customer == 1).mean()
    assert 0.40 <= one_order <= 0.60
    top = per_customer.sort_values(ascending=False).iloc[: len(per_customer) // 1000]
    assert len(top) == 30
    assert top.min() >= 100  # the top 0.1 % ordered 100 times or more
    assert per_customer.max() >= 500  # a long tail
    assert per_customer.median() <= 2


def test_return_share_and_lines_per_order(orders):
    is_return = orders.index.str.startswith("C")
    assert 0.015 <= is_return.mean() <= 0.025
    mean_lines = orders["lines"].mean()
    assert 3.0 <= mean_lines <= 5.0
    # geometric-like: one-line orders are the most common size
    sizes = orders["lines"].value_counts()
    assert sizes.idxmax() == 1
    assert sizes.index.max() >= 20


def test_heavy_tailed_prices_and_quantities(clean):
    _, _, df = clean
    price = df["unit_price"]
    assert price.max() > 10 * price.median()
    assert price.mean() > price.median()
    qty = df.loc[df["quantity"] > 0, "quantity"]
    assert qty.median() <= 3
    assert qty.max() >= 100
    assert df["country"].value_counts(normalize=True).iloc[0] > 0.7


def test_seasonality(clean):
    _, _, df = clean
    order_times = df.drop_duplicates("order_id")["ordered_at"]
    by_weekday = order_times.dt.day_of_week.value_counts(normalize=True)
    assert by_weekday[5] < 0.6 * by_weekday[1]  # Saturdays are quiet
    by_month = order_times.dt.month.value_counts()
    assert by_month[11] > 1.5 * by_month[4]  # November beats April
    assert order_times.dt.hour.between(9, 17).mean() > 0.6


# --------------------------------------------------------------------------
# determinism


def test_same_arguments_give_byte_identical_parquet(tmp_path):
    a, b, c = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    generate_order_lines(a, 120_000, seed=3, bad_share=0.01)
    generate_order_lines(b, 120_000, seed=3, bad_share=0.01)
    generate_order_lines(c, 120_000, seed=4, bad_share=0.01)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_same_arguments_give_byte_identical_csv(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    generate_order_lines(a, 30_000, seed=3, bad_share=0.02)
    generate_order_lines(b, 30_000, seed=3, bad_share=0.02)
    assert a.read_bytes() == b.read_bytes()


def test_many_chunks_and_fixed_row_groups(tmp_path, monkeypatch):
    """Chunking (made small here) keeps exact counts and fixed row groups."""
    monkeypatch.setattr(datagen, "ORDERS_PER_CHUNK", 5_000)
    monkeypatch.setattr(datagen, "ROW_GROUP_SIZE", 7_000)
    path = tmp_path / "x.parquet"
    summary = generate_order_lines(path, 100_001, seed=9, bad_share=0.01)
    assert summary["chunks"] >= 5
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 100_001
    assert set(sizes[:-1]) == {7_000}
    df = pd.read_parquet(path)
    # a duplicate may overwrite the only line of an order
    orders = df["order_id"].nunique()
    assert summary["orders"] - summary["duplicate"] <= orders <= summary["orders"]
    assert df.duplicated().sum() == summary["duplicate"] == 250
    # order numbers are unique across chunks: one customer per order
    cid = df["customer_id"]
    known = df[cid.notna() & cid.str.strip().ne("")]
    assert known["customer_id"].nunique() > 9_900
    assert (known.groupby("order_id")["customer_id"].nunique() == 1).all()


# --------------------------------------------------------------------------
# bad lines


@pytest.mark.parametrize(("lines", "share"), [(200_000, 0.02), (50_001, 0.1)])
def test_bad_share_makes_the_documented_kinds(tmp_path, lines, share):
    path = tmp_path / "bad.parquet"
    summary = generate_order_lines(path, lines, seed=2, bad_share=share)
    df = pd.read_parquet(path)
    assert len(df) == lines
    n_bad = round(share * lines)
    assert summary["bad_lines"] == n_bad
    kinds = {k: summary[k] for k in datagen.BAD_KINDS}
    assert sum(kinds.values()) == n_bad
    assert max(kinds.values()) - min(kinds.values()) <= 1  # a quarter each

    null_customer = df["customer_id"].isna()
    blank_customer = df["customer_id"].str.strip().eq("").fillna(False)
    assert null_customer.sum() + blank_customer.sum() == kinds["missing_customer"]
    assert null_customer.sum() >= kinds["missing_customer"] // 2
    assert df["customer_id"].eq("").sum() > 0
    assert df["customer_id"].eq("   ").sum() > 0
    assert (df["quantity"] == 0).sum() == kinds["zero_quantity"]
    assert (df["unit_price"] <= 0).sum() == kinds["nonpositive_price"]
    assert (df["unit_price"] == 0).sum() > 0
    assert (df["unit_price"] < 0).sum() > 0
    assert df.duplicated().sum() == kinds["duplicate"]
    # a line is bad in one way only
    flags = (
        (null_customer | blank_customer).astype(int)
        + (df["quantity"] == 0)
        + (df["unit_price"] <= 0)
        + df.duplicated(keep="last")  # the sources of the duplicates
        + df.duplicated(keep="first")
    )
    assert flags.max() == 1
    assert int(flags.sum()) == n_bad + kinds["duplicate"]


def test_bad_share_is_validated(tmp_path):
    with pytest.raises(ValueError, match="bad_share"):
        generate_order_lines(tmp_path / "x.parquet", 100, bad_share=0.6)
    with pytest.raises(ValueError, match="customers"):
        generate_order_lines(tmp_path / "x.parquet", 100, customers=101)
    with pytest.raises(ValueError, match="parquet or .csv"):
        generate_order_lines(tmp_path / "x.json", 100)


# --------------------------------------------------------------------------
# CSV and CLI


def test_csv_output_matches_parquet(tmp_path):
    generate_order_lines(tmp_path / "a.parquet", 20_000, seed=6)
    generate_order_lines(tmp_path / "a.csv", 20_000, seed=6)
    text = (tmp_path / "a.csv").read_text().splitlines()
    assert text[0] == ",".join(f'"{c}"' for c in COLUMNS)
    assert len(text) == 20_001
    # strings quoted, times to the second, numbers bare
    assert re.fullmatch(
        r'"C\d{7}","C?\d{7}",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,'
        r'"P\d{5}",-?\d+,[\d.]+,"[^"]+"',
        text[1],
    )
    from_csv = pd.read_csv(
        tmp_path / "a.csv", dtype={"order_id": "str"}, parse_dates=["ordered_at"]
    )
    from_parquet = pd.read_parquet(tmp_path / "a.parquet")
    assert list(from_csv.columns) == list(COLUMNS)
    from_csv["ordered_at"] = from_csv["ordered_at"].astype("datetime64[us]")
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)


def test_cli(tmp_path):
    out = tmp_path / "sub" / "lines.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation_dev.datagen",
            "--lines",
            "5000",
            "--customers",
            "400",
            "--seed",
            "8",
            "--start-date",
            "2020-06-01",
            "--days",
            "100",
            "--bad-share",
            "0.04",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 5,000 lines, 400 customers" in proc.stderr
    df = pd.read_csv(out, parse_dates=["ordered_at"], keep_default_na=False)
    assert len(df) == 5000
    assert df["ordered_at"].min() >= pd.Timestamp("2020-06-01")
    assert df["ordered_at"].max() < pd.Timestamp("2020-09-09")
    assert (df["quantity"] == 0).sum() == 50
    assert np.isclose(df.duplicated().mean(), 0.01)

    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation_dev.datagen",
            "--lines",
            "5",
            "--out",
            "x",
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "parquet or .csv" in bad.stderr


# --------------------------------------------------------------------------
# contacts (email, phone, consent)


@pytest.fixture(scope="module")
def with_contacts(tmp_path_factory):
    path = tmp_path_factory.mktemp("datagen") / "contacts.parquet"
    generate_order_lines(path, 60_000, seed=7, contacts=True, bad_share=0.02)
    return path, pd.read_parquet(path)


def test_contacts_add_three_text_columns_and_change_nothing_else(
    tmp_path, with_contacts
):
    path, df = with_contacts
    schema = pq.read_schema(path)
    assert schema.names == [*COLUMNS, *datagen.CONTACT_COLUMNS]
    assert [str(t) for t in schema.types[-3:]] == ["string"] * 3
    plain = tmp_path / "plain.parquet"
    generate_order_lines(plain, 60_000, seed=7, bad_share=0.02)
    pd.testing.assert_frame_equal(pd.read_parquet(plain), df[list(COLUMNS)])


def test_contacts_are_messy_like_real_exports(with_contacts):
    _, df = with_contacts
    emails = df["email"].dropna()
    assert 0.6 < df["email"].notna().mean() < 0.85
    assert emails.str.fullmatch(r"\s*\S+@\S+\.\S+\s*").all()
    assert emails.str.contains("[A-Z]").mean() > 0.1  # capitals
    assert (emails != emails.str.strip()).mean() > 0.02  # spaces around
    assert emails.str.contains(r"\+shop@").mean() > 0.05  # +tags
    gmail = (
        emails.str.strip().str.lower().str.endswith(("@gmail.com", "@googlemail.com"))
    )
    assert 0.3 < gmail.mean() < 0.6
    assert emails[gmail].str.contains(r"\..*@").mean() > 0.3  # dots in gmail
    phones = df["phone"].dropna()
    assert 0.35 < df["phone"].notna().mean() < 0.6
    for pattern in (
        r"\+44 7\d{3} \d{6}",
        r"07\d{3} \d{6}",
        r"\(07\d{3}\) \d{3}-\d{3}",
        r"0044 7\d{3} \d{6}",
        r"\+44 \(0\)7\d{3} \d{6}",
        r"447\d{9}",
        r"7\d{9}",
        r"\+(?!44)\d{1,3} \d{3} \d{3} \d{3}",
        r"00(?!44)\d{10,12}",
    ):
        assert phones.str.fullmatch(pattern).any(), pattern
    consent = df["consent"].dropna()
    assert set(consent) == {
        "yes",
        "no",
        "Y",
        "N",
        "true",
        "false",
        "1",
        "0",
        "opt-in",
        "opt-out",
        "TRUE",
        "FALSE",
    }
    assert 0.7 < consent.isin(["yes", "Y", "true", "1", "opt-in", "TRUE"]).mean() < 0.9


def test_contacts_are_per_order_and_change_over_time(with_contacts):
    _, df = with_contacts
    known = df[df["customer_id"].notna() & df["customer_id"].str.strip().ne("")]
    per_order = known.groupby("order_id")[["email", "phone", "consent"]].nunique()
    assert (per_order <= 1).all().all()  # every line of an order says the same
    per_customer = known.groupby("customer_id")["email"].nunique()
    assert (per_customer == 2).mean() > 0.005  # some switch address
    assert per_customer.max() == 2
    consent = known.dropna(subset=["consent"])
    said = consent.assign(
        yes=consent["consent"].isin(["yes", "Y", "true", "1", "opt-in", "TRUE"])
    )
    both = said.groupby("customer_id")["yes"].nunique()
    assert (both == 2).any()  # some revoke their consent
    # duplicates stay exact duplicates, contacts included
    assert df.duplicated().sum() == round(0.02 * 60_000) // 4


def test_contacts_are_deterministic(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    generate_order_lines(a, 20_000, seed=3, contacts=True)
    generate_order_lines(b, 20_000, seed=3, contacts=True)
    assert a.read_bytes() == b.read_bytes()
    header = a.read_text().splitlines()[0]
    assert header == ",".join(f'"{c}"' for c in (*COLUMNS, "email", "phone", "consent"))
