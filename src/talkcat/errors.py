"""The errors a command ends with: one class per outcome, each an exit code in `cli.EXIT_CODES`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talkcat.said import Said

ERROR = "error"
WARNING = "warning"  # said, but not a problem: no exit code of its own, nothing refused


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a 1-based line and column; in a catalogue,
    the talk (its 0-based place in the list) and the field it is about, where it is about one."""

    path: str
    line: int | None
    col: int | None
    message: str
    severity: str = ERROR  # or WARNING
    entry: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        message = f"warning: {self.message}" if self.severity == WARNING else self.message
        return f"{where}: {message}" if where else message

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class TalkcatError(Exception):
    """Bad input (data problems, an unreadable file, bad markers, an unknown id):
    printed as `path:line:col: message` lines, never as a traceback.

    An empty list of problems prints nothing: the command has shown its own
    report (validate's problems, say) and only the exit code is left.
    """

    def __init__(
        self,
        problems: list[Problem] | str,
        *,
        path: str = "",
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(path, line, col, problems)]
        self.problems = problems
        self.hint = hint
        self.said: Said | None = None  # what the command said before this ended it (`after`)
        super().__init__("\n".join(str(p) for p in problems))

    def after(self, said: Said) -> TalkcatError:
        """This error, ending a command that said `said` before it: printed first."""
        from talkcat.said import Said

        self.said = Said([*said.parts, *(self.said.parts if self.said else [])])
        return self

    def reported(self) -> TalkcatError:
        """This error, its problems already shown by the command: only its outcome is left."""
        self.problems = []
        self.hint = None
        return self


class UsageError(TalkcatError):
    """A bad option value, options that contradict each other, a question left unanswered."""


class OutOfDate(TalkcatError):
    """`sync-readme --check`: a README's block is not what the catalogue renders."""


class Declined(TalkcatError):
    """The user answered no to a confirmation: nothing was changed."""


class LinksUnchecked(TalkcatError):
    """`validate --check-links` could not reach the network: the links are neither alive nor dead."""


def plural(count: int, noun: str) -> str:
    """`1 talk`, `2 talks`: the count and its noun, for messages."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
