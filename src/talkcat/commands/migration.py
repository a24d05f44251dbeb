"""What `init` and `import` say of the repository's other writers of the README block."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from talkcat.config import Settings

# A script or a CI file is small: a larger file is data (slides, images), not read.
READ_LIMIT = 1 << 20
FILE_LIMIT = 20_000  # files looked into at most (a home folder is no talks repository)
SHOWN = 10


def other_writers(
    root: Path, chosen: Settings, data: Path, readmes: Sequence[Path], also: Sequence[Path] = ()
) -> list[str]:
    """Lines naming each other writer of the block and what to do, paths as typed from here; [] for none.

    talkcat's own files are left out: `data` (and its schema), the
    `readmes`, the config and its template, and `also` (the README imported).
    """
    from talkcat import config, generators, store
    from talkcat.commands.init import SCHEMA_NAME

    own_paths = [data, data.parent / SCHEMA_NAME, *readmes, *also]
    own_paths += [path for path in (chosen.path, chosen.template) if path is not None]
    own = {config.from_top(path, root) for path in own_paths}
    texts = {}
    for path in generators.candidates(store.repository_files(root, FILE_LIMIT), own):
        text = store.read_small_text(root / path, READ_LIMIT)
        if text is not None and generators.relevant(path, text, chosen.markers):
            texts[path] = text
    findings = generators.find(texts, chosen.markers)
    if not findings:
        return []
    cwd = Path.cwd()
    lines = ["warning: other files write the README's block, and would undo what talkcat writes there:"]
    lines += [f"  {config.near(root / f.path, cwd)}:{f.line}: {f.message}" for f in findings[:SHOWN]]
    if len(findings) > SHOWN:
        lines.append(f"  and {len(findings) - SHOWN} more")
    return lines
