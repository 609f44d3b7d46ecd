"""Reading: a file of any supported format opened as a typed Polars table.

Formats and encodings are detected (:mod:`formats`, :mod:`encoding`, :mod:`source`),
delimited text and workbooks have their own readers (:mod:`delimited`, :mod:`excel`),
column types are planned by :mod:`infer` and applied by :mod:`table`; :mod:`query`
sorts and filters, :mod:`convert` writes a table to another format.

This wing imports nothing of :mod:`core.profiling` or :mod:`core.present`.
"""
