"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_DATA = Path("data/talks.yaml")
DEFAULT_README = Path("README.md")

DataOption = Annotated[
    Path,
    typer.Option("--data", help="The catalogue file.", metavar="PATH"),
]
ReadmeOption = Annotated[
    Path,
    typer.Option("--readme", help="The README holding the TALKS block.", metavar="PATH"),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse and validate the catalogue afresh; neither read nor write the cache.",
    ),
]
