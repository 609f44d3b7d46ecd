"""Presenting: a profile document shown to people.

Plotly figures (:mod:`charts`), the offline HTML report (:mod:`report`, built
from :mod:`figures`, :mod:`markup` and :mod:`column_stats`), the terminal summary
(:mod:`summary`) and short number formatting (:mod:`numbers`). They read only
the profile document, never raw data.
"""
