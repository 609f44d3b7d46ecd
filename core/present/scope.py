"""Which rows a profile describes, in a line: all of the table, or the rows a view showed."""

from __future__ import annotations

from core.profiling.document import Profile

__all__ = ["profile_scope"]


def profile_scope(profile: Profile) -> str:
    """ "Profile of 1,234 rows shown (filter: …) of 336,776", or of all the table's rows."""
    rows = profile["dataset"]["rows"]
    view = profile.get("source", {}).get("view")
    if view is None:
        return f"Profile of all {rows:,} rows"
    how = f" ({view['description']})" if view["description"] else ""
    return f"Profile of {rows:,} rows shown{how} of {view['of_rows']:,}"
