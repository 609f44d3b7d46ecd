"""Polars' compiled runtime: imported by name from polars._plr, so PyInstaller cannot see it."""

from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("_polars_runtime_32")
