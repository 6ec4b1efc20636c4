"""One row per cluster of the chosen k: names, role scores, centroids."""

from segmentation.clustering.shared_run import segment_scored_customers


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clustering = dbt.config.get("clustering")
    customers = dbt.ref("int_customer_features")
    naming_rules = dbt.ref("cluster_naming_rules")
    result = segment_scored_customers(customers, naming_rules, clustering)
    return result.centroids
