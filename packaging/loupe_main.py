"""The frozen app's entry point: what the ``loupe`` command runs."""

import sys

from desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
