"""One row per evaluated k: fit quality, stability and the choice."""

from segmentation.clustering.shared_run import segment_scored_customers


def model(dbt, session):
    dbt.config(materialized="table")
    # A statement of its own: dbt finds config.get calls by reading the code.
    clustering = dbt.config.get("clustering")
    customers = dbt.ref("int_customer_features")
    naming_rules = dbt.ref("cluster_naming_rules")
    result = segment_scored_customers(customers, naming_rules, clustering)
    table = result.model_selection
    # Why this k: on the chosen row only, null on the others.
    reason = table["is_chosen"].map({True: result.chosen_k_reason, False: None})
    return table.assign(chosen_k_reason=reason)
