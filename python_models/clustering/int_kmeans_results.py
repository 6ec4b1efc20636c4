"""The K-means segmentation of the customers: one run, one table of seven
parts (customers, model selection, clusters, cluster features, side-by-side
k, the run, the side fits' centroids) that the SQL models downstream split.
A refresh (var refresh_from_stored) keeps the stored run's k and starts from
its centroids, and its side-by-side k and splits from theirs, so ids stay
what they were; when a stored fit does not fit, that fit is made in full
and the build prints why."""

from segmentation.dbt_glue.clustering import kmeans_results, stored_run


def model(dbt, session):
    dbt.config(materialized="table")
    # Statements of their own: dbt finds config.get calls by reading the code.
    clustering = dbt.config.get("clustering")
    refresh = dbt.config.get("refresh_from_stored")
    customers = dbt.ref("int_customer_features")
    naming_rules = dbt.ref("cluster_naming_rules")
    # Before this run replaces it, the table holds the stored run.
    # The var may come as its text ("True"), as var clustering may.
    is_refresh = str(refresh).lower() == "true"
    previous = stored_run(session, str(dbt.this)) if is_refresh else None
    return kmeans_results(customers, naming_rules, clustering, previous)
