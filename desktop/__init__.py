"""Loupe's desktop app (PySide6), the only package that imports Qt.

``models/`` holds the state of an open dataset without Qt (an import-linter
contract keeps it so); the ``qt_<thing>.py`` modules are thin views over it:
``qt_main_window`` (tabs and menus), ``qt_dataset_view`` (one tab, composed of
``qt_file_bar``, ``qt_grid_pane``, ``qt_profile_pane`` and ``qt_chart_pane``),
``qt_table_model``, ``qt_chart_view``, ``qt_settings``, ``qt_icons``, and
``qt_workers`` (Qt's thread pool). ``app`` starts the window, ``launcher`` is the
``loupe`` command.
"""

from desktop.singletons import guard_singletons

guard_singletons()
