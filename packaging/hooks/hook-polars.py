"""Polars loads its compiled runtime by name, in a try/except PyInstaller cannot follow."""

hiddenimports = ["_polars_runtime_32", "_polars_runtime_32._polars_runtime"]
