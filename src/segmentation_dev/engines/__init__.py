"""The project on engines other than DuckDB: builds the same dbt project on
Apache Spark and compares its marts with DuckDB's, row for row."""
