"""S3 Hub Atlas data pipelines: raw snapshots → staging → conformed → marts, in one DuckDB warehouse."""
