"""Python side of the customer segmentation project: numerics the dbt Python
models call, the synthetic data generator and the benchmark."""

__version__ = "0.1.0"
