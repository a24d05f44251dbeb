"""`python -m talkcat`, and the `talkcat` command: the CLI, with a Ctrl-C while it loads said plainly.

A plain hook run (`talkcat sync-readme --check` with nothing to do) is
answered first, from the verdict the same run left in the cache, before
anything of the CLI is imported (`cache.replay`): importing it costs more
than the whole answer.
"""

import sys


def main() -> None:
    try:
        from talkcat import cache

        if cache.replay(sys.argv[1:]):
            raise SystemExit(0)
        from talkcat.cli import main as run  # typer, click and rich: most of a start
    except KeyboardInterrupt:
        if sys.stderr is not None:  # closed (`2>&-`)
            sys.stderr.write("\ninterrupted; nothing was written\n")
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":
    main()
