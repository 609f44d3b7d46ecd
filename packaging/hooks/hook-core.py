"""Loupe's core: the bundled sample, the profile's JSON Schema and the HTML report's assets."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files(
    "core",
    includes=["samples/*.csv", "profiling/schema/*.json", "present/assets/*"],
)
