"""The DuckDB store: writing, querying and checking a database; Parquet partitions."""
