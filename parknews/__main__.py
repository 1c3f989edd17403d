"""``python -m parknews``: the command line."""

from parknews.cli.app import main

if __name__ == "__main__":
    main()
