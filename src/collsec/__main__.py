"""``python -m collsec``: the command line (see :mod:`collsec.cli`)."""

from collsec.cli import main

if __name__ == "__main__":
    main()
