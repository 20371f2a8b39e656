"""Extra sections of the data-quality report.

Every module here (other than this one) that defines `section(con) -> str` is rendered by
`pipelines.report.write_report`, in module-name order, after the built-in sections. `con` is a read-only DuckDB
connection to the warehouse; return Markdown (start with a `## ` heading; tables as `| a | b |` rows, lists as
`- item`). Name modules NN_<topic>.py (e.g. 20_placement.py) to control their order. A section whose tables are not
built yet should say so in a line rather than raise.
"""
