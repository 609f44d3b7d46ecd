"""Reading: a file of any supported format opened as a typed Polars table.

What lives here, from the bottom up::

    formats, encoding, source   what the file is; its plain UTF-8 content
    delimited, excel            dialect sniffing and ragged rows; workbooks
    infer/                      type inference: candidates, casts, choice, missing markers
    plan, planner               the immutable TypePlan, and the planner that makes it
    readers/                    one reader per format behind one small interface
    info, batches, options      what the user is shown; checking a stream; ReadOptions
    table                       open_table and Table: a reader plus the plan it applies
    query, convert              sorting and filtering; writing a table to another format
    isolation, memory, jsonvalue  a child process for crashing readers; memory; JSON values

This wing imports nothing of :mod:`core.profiling` or :mod:`core.present`.
"""
