"""Reading: a file of any supported format opened as a typed Polars table.

What lives here, from the bottom up (import-linter holds the order)::

    encoding, jsonvalue         text encodings; cell values as JSON
    formats                     what the file is
    source, options, delimited, excel, isolation, memory
                                its plain UTF-8 content; ReadOptions; dialect sniffing and
                                ragged rows; workbooks; a child process for crashing
                                readers; the memory at hand
    infer/                      type inference: candidates, casts, choice, missing markers
    plan                        the immutable TypePlan
    readers/, planner           one reader per format behind one small interface; the
                                planner that makes the plan
    info, batches               what the user is shown; checking a stream
    table                       open_table and Table: a reader plus the plan it applies
    convert, query              writing a table to another format; sorting and filtering

This wing imports nothing of :mod:`core.profiling` or :mod:`core.present`.
"""
