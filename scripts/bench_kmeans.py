"""Benchmark of segmentation.clustering against scikit-learn (not a test).

1. K-means alone: ``segmentation.clustering.kmeans`` (the function) versus
   ``sklearn.cluster.KMeans(n_clusters=k, n_init=10, random_state=0)`` on
   1M x 4 synthetic customers (time and inertia ratio; scikit-learn is timed with
   its default threads and on one thread, which is faster when the 2-core machine
   is busy).
2. The whole ``segment_customers`` on 1M synthetic customers x 5 features
   (k = 2..10, selection, final fit, naming, profiles, split, side by side):
   wall time and peak memory (``resource.getrusage``), versus scikit-learn doing
   the same model-selection work (KMeans n_init=10 per k, silhouette on the same
   sample size, Davies-Bouldin, Calinski-Harabasz, the same bootstrap stability).

Usage::

    .venv/bin/python scripts/bench_kmeans.py [--n 1000000] [--skip-sklearn]
        [--only kmeans|pipeline]

Each part runs in a fresh subprocess so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

FEATURES = [
    {"name": "recency_days", "transform": "log1p"},
    {"name": "frequency", "transform": "log1p"},
    {"name": "monetary", "transform": "signed_log1p"},
    {"name": "average_order_value", "transform": "signed_log1p"},
    {"name": "tenure_days", "transform": "none"},
]


def synthetic_customers(n: int, seed: int = 0) -> pd.DataFrame:
    """RFM-like customers from a few latent behaviours (heavy tails, some <= 0)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=n, p=[0.15, 0.35, 0.30, 0.20])
    recency_scale = np.array([15.0, 60.0, 200.0, 30.0])[kind]
    recency = np.minimum(1 + rng.exponential(recency_scale), 730).round()
    freq_mean = np.array([12.0, 3.0, 1.5, 1.2])[kind]
    frequency = 1 + rng.poisson(freq_mean - 1 + rng.gamma(1.0, 1.0, n))
    aov = rng.lognormal(np.array([5.5, 5.0, 4.6, 5.0])[kind], 0.6)
    monetary = frequency * aov
    refunds = rng.random(n) < 0.003
    monetary[refunds] = -rng.exponential(50.0, refunds.sum())
    tenure = recency + rng.uniform(0, 700, n).round()
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(n)],
            "recency_days": recency,
            "frequency": frequency.astype(np.int64),
            "monetary": monetary,
            "average_order_value": monetary / frequency,
            "tenure_days": tenure,
        }
    )


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_kmeans(n: int, skip_sklearn: bool) -> dict[str, object]:
    """K-means alone on n x 4 log-transformed synthetic features."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from segmentation.clustering import kmeans

    df = synthetic_customers(n)
    cols = ["recency_days", "frequency", "monetary", "tenure_days"]
    x = np.column_stack([np.sign(df[c]) * np.log1p(np.abs(df[c])) for c in cols])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    rows = []
    for k in (3, 5, 8):
        t0 = time.perf_counter()
        ours = kmeans(x, k, seed=0, n_init=10)
        t_ours = time.perf_counter() - t0
        row = {"k": k, "ours_s": round(t_ours, 2), "ours_inertia": ours.inertia}
        if not skip_sklearn:
            t0 = time.perf_counter()
            sk = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
            row["sklearn_s"] = round(time.perf_counter() - t0, 2)
            row["inertia_ratio"] = round(ours.inertia / sk.inertia_, 5)
            with threadpool_limits(limits=1):
                t0 = time.perf_counter()
                KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
                row["sklearn_1thread_s"] = round(time.perf_counter() - t0, 2)
        rows.append(row)
    return {"part": "kmeans", "n": n, "rows": rows, "peak_rss_mib": peak_rss_mib()}


def bench_pipeline(n: int) -> dict[str, object]:
    """segment_customers on n synthetic customers."""
    from segmentation.clustering import segment_customers

    df = synthetic_customers(n)
    base = peak_rss_mib()
    t0 = time.perf_counter()
    result = segment_customers(df, {"features": FEATURES, "seed": 1})
    elapsed = time.perf_counter() - t0
    return {
        "part": "pipeline",
        "n": n,
        "seconds": round(elapsed, 1),
        "peak_rss_mib": round(peak_rss_mib(), 0),
        "peak_rss_before_mib": round(base, 0),
        "chosen_k": result.chosen_k,
        "reason": result.chosen_k_reason,
        "sizes": result.centroids[["cluster_id", "cluster_name", "customers"]].to_dict(
            "records"
        ),
    }


def bench_sklearn_selection(n: int) -> dict[str, object]:
    """scikit-learn doing the model-selection work of segment_customers."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import (
        adjusted_rand_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_score,
    )

    from segmentation.clustering import flag_outliers, parse_config, prepare_features

    df = synthetic_customers(n)
    cfg = parse_config({"features": FEATURES, "seed": 1})
    base = peak_rss_mib()
    t0 = time.perf_counter()
    fm = prepare_features(df, cfg.features)
    x = fm.x[~flag_outliers(fm, threshold=cfg.outlier_threshold).mask]
    rng = np.random.default_rng(0)
    m = min(cfg.bootstrap_sample_size, len(x))
    boots = [rng.integers(0, len(x), m) for _ in range(cfg.n_bootstrap)]
    evaluation = rng.choice(len(x), size=m, replace=False)
    for k in range(cfg.k_range[0], cfg.k_range[1] + 1):
        fit = KMeans(n_clusters=k, n_init=cfg.n_init, random_state=0).fit(x)
        silhouette_score(
            x, fit.labels_, sample_size=cfg.silhouette_sample_size, random_state=0
        )
        davies_bouldin_score(x, fit.labels_)
        calinski_harabasz_score(x, fit.labels_)
        for b in boots:
            bfit = KMeans(n_clusters=k, n_init=cfg.bootstrap_n_init, random_state=0)
            bfit.fit(x[b])
            adjusted_rand_score(fit.labels_[evaluation], bfit.predict(x[evaluation]))
    elapsed = time.perf_counter() - t0
    return {
        "part": "sklearn_selection",
        "n": n,
        "seconds": round(elapsed, 1),
        "peak_rss_mib": round(peak_rss_mib(), 0),
        "peak_rss_before_mib": round(base, 0),
    }


def _run_part(part: str, n: int, skip_sklearn: bool) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--part", part, "--n", str(n)]
    if skip_sklearn:
        cmd.append("--skip-sklearn")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the parts (each in a subprocess) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--only", choices=["kmeans", "pipeline"])
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        runner = {
            "kmeans": lambda: bench_kmeans(args.n, args.skip_sklearn),
            "pipeline": lambda: bench_pipeline(args.n),
            "sklearn_selection": lambda: bench_sklearn_selection(args.n),
        }[args.part]
        print(json.dumps(runner(), default=str))
        return
    parts = ["kmeans", "pipeline"] if args.only is None else [args.only]
    if "pipeline" in parts and not args.skip_sklearn:
        parts.append("sklearn_selection")
    for part in parts:
        res = _run_part(part, args.n, args.skip_sklearn)
        if part == "kmeans":
            print(f"K-means alone, n={args.n:,} x 4 (n_init=10):")
            for row in res["rows"]:
                line = f"  k={row['k']}: ours {row['ours_s']:.2f} s"
                if "sklearn_s" in row:
                    ratio = row["inertia_ratio"]
                    line += f", scikit-learn {row['sklearn_s']:.2f} s"
                    line += f" ({row['sklearn_1thread_s']:.2f} s on 1 thread)"
                    line += f", inertia ours/sklearn {ratio:.5f}"
                print(line)
        elif part == "pipeline":
            print(
                f"segment_customers, n={args.n:,} x 5, k=2..10 + final fit, split, "
                f"side by side: {res['seconds']} s, peak RSS {res['peak_rss_mib']:.0f} "
                f"MiB (input alone {res['peak_rss_before_mib']:.0f} MiB)"
            )
            print(f"  chosen k={res['chosen_k']}: {res['reason']}")
            print(f"  clusters: {res['sizes']}")
        else:
            print(
                f"scikit-learn, same selection work (KMeans n_init=10 per k, "
                f"silhouette sample, DB, CH, bootstrap stability): {res['seconds']} s, "
                f"peak RSS {res['peak_rss_mib']:.0f} MiB "
                f"(input alone {res['peak_rss_before_mib']:.0f} MiB)"
            )


if __name__ == "__main__":
    main()
