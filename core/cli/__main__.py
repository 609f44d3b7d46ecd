"""``python -m core.cli``: the ``loupe`` command."""

from __future__ import annotations

import sys

from core.cli.entry import main

sys.exit(main())
