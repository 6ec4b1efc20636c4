"""Benchmark of the CLV fit (not a test): BG/NBD and Gamma-Gamma fitted and
every customer predicted, on the purchase histories of generated order lines
(`make data`: 10M lines, 1M customers by default). Prints figures; asserts
nothing about time.

1. In process: the histories computed from the Parquet file with DuckDB
   (the definitions of int_customers_purchases_summarised: distinct orders,
   days, the repeat orders' mean net value), then what the dbt Python models
   call, timed apart: the fit (segmentation.clv.warehouse.fit_parameters,
   without the holdout) and the predictions (predict_current: P(alive),
   expected purchases, expected order value, CLV over 365 days in 30-day
   discounted steps). The target is fit + predict under 30 s for 1M
   customers on a quiet 2-core machine.
2. With --dbt, the same in the warehouse: `dbt build` of
   +customer_value_predictions on the generated lines (K-means and the
   history off), and the node times of int_clv_parameters and
   int_customers_clv_predicted from run_results.json.

Usage::

    .venv/bin/python scripts/bench_clv.py [--lines 10000000] [--seed 42] [--dbt]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
from bench_support import (
    PROJECT_DIR,
    node_seconds,
    peak_rss_mib,
    project_vars,
    run_dbt,
)

from segmentation.clv.settings import clv_settings
from segmentation.clv.warehouse import fit_parameters, predict_current
from segmentation_dev.datagen import generate_order_lines

OUT_DIR = PROJECT_DIR / "generated"
TARGET_SECONDS = 30.0
# The project's CLV vars, without the holdout: the fit on every customer is
# what is timed.
SETTINGS = {**project_vars(), "clv_holdout_days": None}

# One row per order (returns: order ids starting with 'C' or negative
# quantities), then one per customer, as int_orders_aggregated and
# int_customers_purchases_summarised count them for the current as-of date
# (the day after the last line).
HISTORIES_SQL = """
with lines as (
    select
        customer_id,
        order_id,
        ordered_at,
        quantity * unit_price as amount,
        starts_with(order_id, 'C') or quantity < 0 as is_return
    from read_parquet('{path}')
),
orders as (
    select
        customer_id,
        order_id,
        sum(amount) as net_revenue,
        bool_or(not is_return) as is_purchase,
        min(case when not is_return then ordered_at end) as first_purchase_at,
        max(case when not is_return then ordered_at end) as last_purchase_at
    from lines
    group by customer_id, order_id
),
as_of as (
    select cast(max(ordered_at) as date) + 1 as as_of_date from lines
),
numbered as (
    select
        *,
        row_number() over (
            partition by customer_id order by first_purchase_at, order_id
        ) as purchase_number
    from orders
    where is_purchase
)
select
    customer_id,
    count(*) - 1 as repeat_purchases,
    date_diff('day', cast(min(first_purchase_at) as date),
        cast(max(last_purchase_at) as date)) as first_to_last_days,
    date_diff('day', cast(min(first_purchase_at) as date),
        any_value(as_of.as_of_date)) as customer_age_days,
    sum(case when purchase_number > 1 then net_revenue end)
        / nullif(count(*) - 1, 0) as repeat_order_value_mean
from numbered
cross join as_of
group by customer_id
order by customer_id
"""


def generated_lines(lines: int, seed: int) -> Path:
    path = OUT_DIR / f"order_lines_{lines}.parquet"
    if not path.exists():
        print(f"generating {lines:,} order lines -> {path}", flush=True)
        generate_order_lines(path, lines=lines, seed=seed)
    return path


def bench_in_process(path: Path) -> None:
    started = time.perf_counter()
    with duckdb.connect() as con:
        histories = con.sql(HISTORIES_SQL.format(path=path)).df()
    inputs_seconds = time.perf_counter() - started
    settings = clv_settings(SETTINGS)

    started = time.perf_counter()
    parameters = fit_parameters(histories, None, settings)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predictions = predict_current(histories, parameters, settings)
    predict_seconds = time.perf_counter() - started

    values = {
        (m, p): v
        for m, p, v in parameters[["model", "parameter", "value"]].itertuples(
            index=False
        )
    }
    total = fit_seconds + predict_seconds
    print(f"customers                  {len(histories):>12,}")
    print(
        f"  with a repeat purchase   {int(values['bg_nbd', 'repeat_customers']):>12,}"
    )
    print(f"histories (DuckDB SQL)     {inputs_seconds:>11.1f} s")
    print(
        f"BG/NBD + Gamma-Gamma fit   {fit_seconds:>11.1f} s  ("
        f"{int(values['bg_nbd', 'iterations'])} + "
        f"{int(values['gamma_gamma', 'iterations'])} iterations)"
    )
    print(f"predictions                {predict_seconds:>11.1f} s")
    verdict = "under" if total < TARGET_SECONDS else "OVER"
    print(
        f"fit + predict              {total:>11.1f} s  ({verdict} the "
        f"{TARGET_SECONDS:.0f} s target)"
    )
    print(f"peak memory                {peak_rss_mib():>11,.0f} MiB")
    print(
        "parameters: "
        + ", ".join(
            f"{p} = {values['bg_nbd', p]:.4g}" for p in ("r", "alpha", "a", "b")
        )
        + "; "
        + ", ".join(f"{p} = {values['gamma_gamma', p]:.4g}" for p in ("p", "q", "v"))
    )
    print(
        f"predicted CLV: total {predictions['predicted_clv'].sum():,.0f}, "
        f"mean P(alive) {predictions['p_alive'].mean():.3f}"
    )


def bench_dbt(path: Path, lines: int) -> None:
    work_dir = OUT_DIR / f"bench_clv_{lines}"
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / "warehouse.duckdb"
    db_path.unlink(missing_ok=True)
    dbt_vars = {
        "order_inputs": [{"name": "generated", "path": str(path)}],
        "clustering_enabled": False,
        "history_enabled": False,
        "clv_holdout_days": None,
    }
    started = time.perf_counter()
    run_dbt(
        ["build", "--select", "+customer_value_predictions",
         "--indirect-selection", "cautious"],
        work_dir=work_dir,
        db_path=db_path,
        dbt_vars=dbt_vars,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    nodes = node_seconds(work_dir)
    print(f"dbt build +customer_value_predictions {seconds:>7.1f} s, of which:")
    for name in (
        "int_customers_purchases_summarised",
        "int_clv_parameters",
        "int_customers_clv_predicted",
        "customer_value_predictions",
    ):
        print(f"  {name:<36}{nodes[name]:>7.1f} s")
    fit_predict = nodes["int_clv_parameters"] + nodes["int_customers_clv_predicted"]
    print(f"  fit + predict nodes                 {fit_predict:>7.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--dbt", action="store_true", help="also time the dbt models on the lines"
    )
    args = parser.parse_args(argv)
    path = generated_lines(args.lines, args.seed)
    print(f"CLV on {path.name}", flush=True)
    bench_in_process(path)
    if args.dbt:
        bench_dbt(path, args.lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
