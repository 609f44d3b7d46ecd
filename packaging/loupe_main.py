"""The frozen app's entry point: what the ``loupe`` command runs."""

from desktop.launcher import run

if __name__ == "__main__":
    run()
