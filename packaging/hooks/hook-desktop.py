"""Loupe's desktop: its icons, shown on its windows and in the About dialog."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("desktop", includes=["assets/*.png", "assets/*.svg"])
