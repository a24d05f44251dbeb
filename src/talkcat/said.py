"""What a command says, returned to the CLI, which prints it (`cli.render`): the one place that prints.

A command builds a `Said` as it goes and returns it; an error that ends it
carries what it said before (`Said.kept`), printed ahead of the error's lines.
Only a conversation is printed as it happens: questions and the answers'
problems, and the plan a question is about (`cli.confirm`), and the progress
of a download.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from talkcat.errors import TalkcatError

OUT = 1  # stdout: the command's output, for a pipe or a file (an id, a listing, a diff, JSON)
ERR = 2  # stderr: what it did and found, for the person at the terminal

# A text (bytes: UTF-8 already, as a large JSON listing is made), or a rich renderable
# built when printed, for the terminal's width (a table, a chart).
Part = str | bytes | Callable[[int], Any]


@dataclass
class Said:
    parts: list[tuple[int, Part]] = field(default_factory=list)

    def out(self, text: str | bytes, end: str = "\n") -> None:
        self.parts.append((OUT, text + end.encode() if isinstance(text, bytes) else text + end))

    def note(self, *lines: str) -> None:
        self.parts += [(ERR, f"{line}\n") for line in lines]

    def notes(self, lines: Iterable[object]) -> None:
        self.note(*(str(line) for line in lines))

    def show(self, build: Callable[[int], Any]) -> None:
        """On stdout, what `build` makes for the terminal's width (in columns)."""
        self.parts.append((OUT, build))

    def extend(self, other: Said) -> None:
        self.parts += other.parts

    def taken(self) -> Said:
        """What was said so far, taken out: to be printed before a question."""
        said, self.parts = Said(self.parts), []
        return said

    @contextlib.contextmanager
    def kept(self) -> Iterator[Said]:
        """An error (or a Ctrl-C) raised inside ends the command with what was said before it, printed first."""
        try:
            yield self
        except TalkcatError as exc:
            exc.after(self)
            raise
        except KeyboardInterrupt as exc:
            later = getattr(exc, "said", None)  # said by an inner command (add's --sync)
            exc.said = Said([*self.parts, *(later.parts if later else [])])  # type: ignore[attr-defined]
            raise


def on_terminal(stream: IO[Any] | None) -> bool:
    """Whether `stream` is a terminal; a closed one (`>&-`, None in Python) is not."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed under us
        return False
