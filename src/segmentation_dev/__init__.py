"""Development tools of the project, kept out of the runtime package
`segmentation`: the synthetic data generator, the pandas reference
implementation of the scores, the description check and the DAG picture of
the docs, and the comparison of builds on DuckDB and Apache Spark. Nothing
in `segmentation` imports them."""
