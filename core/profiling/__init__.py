"""Profiling: a table summarised as a profile document.

Per-column summaries (:mod:`sketches` for moments and quantiles, :mod:`values` for
value frequencies, :mod:`rowhashes`, :mod:`dtypes`) accumulate in each column's
:mod:`column_partial`, fed a chunk at a time by :mod:`figures`, and make up a
mergeable :mod:`partial` profile. :mod:`profile` turns it into the document typed
in :mod:`document` (with :mod:`column_profile`, :mod:`distribution` and
:mod:`correlations`), and :mod:`alerts` flags what deserves attention;
:mod:`engine` chooses how to read the table (whole, or in batches) and drives the
rest. Settings and thresholds live in :mod:`config`.

This wing reads tables through :mod:`core.read` and knows nothing of :mod:`core.present`.
"""
