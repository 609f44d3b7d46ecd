"""Profiling: a table summarised as a profile document.

Per-column sketches (:mod:`sketches`, :mod:`rowhashes`, :mod:`dtypes`) accumulate into a
mergeable :mod:`partial` profile; :mod:`profile` turns it into the JSON document and
:mod:`alerts` flags what deserves attention; :mod:`engine` chooses how to read the
table (whole, or in batches) and drives the rest.

This wing reads tables through :mod:`core.read` and knows nothing of :mod:`core.present`.
"""
