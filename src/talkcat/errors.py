"""The one user-error type, and the exit codes it becomes."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID = 1  # bad input: data problems, unreadable files, bad markers
EXIT_USAGE = 2  # Typer's own usage errors
EXIT_OUT_OF_DATE = 3  # `sync-readme --check` found the README out of date


ERROR = "error"
WARNING = "warning"  # said, but not a problem: no exit code of its own, nothing refused


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a 1-based line and column."""

    path: str
    line: int | None
    col: int | None
    message: str
    severity: str = ERROR  # or WARNING

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
    """Bad input: printed as `path:line:col: message` lines, never as a traceback."""

    def __init__(
        self,
        problems: list[Problem] | str,
        *,
        path: str = "",
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
        exit_code: int = EXIT_INVALID,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(path, line, col, problems)]
        self.problems = problems
        self.hint = hint
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in problems))


def plural(count: int, noun: str) -> str:
    """`1 talk`, `2 talks`: the count and its noun, for messages."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
