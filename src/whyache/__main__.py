"""``python -m whyache`` does what the ``whyache`` console script does."""

from whyache.cli import main

if __name__ == "__main__":
    main()
