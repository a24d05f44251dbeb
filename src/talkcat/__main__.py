"""`python -m talkcat`, and the `talkcat` command: the CLI, with a Ctrl-C while it loads said plainly."""

import sys


def main() -> None:
    try:
        from talkcat.cli import main as run  # typer, click and rich: most of a start
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted; nothing was written\n")
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":
    main()
