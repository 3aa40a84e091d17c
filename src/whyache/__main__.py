"""``python -m whyache`` and the ``whyache`` console script.

Start-up pauses the cyclic garbage collector. Importing click, experta and our modules makes
many long-lived objects and no cyclic garbage, and the collections they trigger cost about a
quarter of a one-case command (docs/performance.md). Once the subcommand is imported, the
group freezes what start-up made (out of every later collection's way) and turns the
collector back on (:func:`whyache.cli.settle_start_up`), so long batches collect as usual.
"""

import gc


def main() -> None:
    gc.disable()
    from whyache.cli import main as whyache

    whyache()


if __name__ == "__main__":
    main()
