"""The K-means segmentation of the customers: one run, one table of five
parts (customers, model selection, clusters, cluster features, side-by-side
k) that the SQL models downstream split."""

from segmentation.dbt_glue.clustering import kmeans_results


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clustering = dbt.config.get("clustering")
    customers = dbt.ref("int_customer_features")
    naming_rules = dbt.ref("cluster_naming_rules")
    return kmeans_results(customers, naming_rules, clustering)
