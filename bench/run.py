"""Time whole `talkcat` processes against the references they are judged by.

    python bench/run.py [--runs N] [--skip-pyvideo] [--only NAME] [--output bench/results.md]

Every figure is the median of N runs (default 5; 21 for cases under half a
second, 51 under 0.1 s) after a warm-up run, each a fresh process. The cases of one catalogue
run round-robin, interleaved, in one worker, and each is judged by the median
of its ratios to a reference measured in the same rounds (this machine is
shared and noisy: a ratio of neighbouring runs holds still where times do not):

- start-up: `python -c "import re, pathlib"` reading the README (the floor any
  Python tool pays) and `python -c "import typer, ruamel.yaml"`;
- the hook path (a git repository holding this repository's catalogue, README
  and pyproject.toml): `talkcat validate`, `talkcat sync-readme` and `talkcat
  sync-readme --check` as pre-commit runs them, warm, with nothing to do,
  against the floor and against the peer, cog's `--check` of a small
  cog-managed file; `pre-commit run` with talkcat's hook (as `talkcat init`
  writes it), with cog's and with a `true` hook;
- read commands (validate, sync-readme --check, list --format json, search):
  a process parsing the same file with PyYAML's C loader; each runs once
  with an empty cache ("first run") and once with the cache it left ("again");
- add, edit and remove (into a copy), each with an empty cache and a warm one:
  a process parsing the file once with ruamel's C parser (`YAML(typ="safe")`);
- import: one markdown-it parse of the README (`MarkdownIt("commonmark")
  .enable("table").parse(text)`).

Every case must exit as expected: 0, or 1 for `validate` and `sync-readme
--check` on a catalogue with problems (the raw pyvideo archive). Any other
exit code fails the target the case counts towards, is listed in the report,
and makes the benchmark exit 1. PyYAML (with libyaml) for the reference
parse, cog and pre-commit are the bench extra: `pip install -e '.[bench]'`.

The catalogues: data/talks.yaml (if the repository has one yet), generated
catalogues of 1,000 and 10,000 talks, and the pyvideo archive (21,567 talks,
decompressed from ../shared/bench/ into a temporary folder). Commands that do
not exist yet are reported as not available. Results go to the terminal and
to bench/results.md, with the machine described.

Children run talkcat from a copy of src/ taken at the start (so edits made
meanwhile change neither the code nor, through it, the cache keys), with
bytecode caching on (as an installed talkcat would) and a cache folder of
their own (XDG_CACHE_HOME on Linux, so the real lookup of the user's cache
directory is timed), never the user's.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import lzma
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYVIDEO_XZ = ROOT.parent / "shared" / "bench" / "pyvideo-talks.yaml.xz"
PYTHON = sys.executable
SLOW = 0.5  # seconds: cases faster than this get more runs, their noise is larger
QUICK = 0.1  # seconds: cases faster than this (start-up alone) get more runs again
QUERIES = ("python", "machine learning", "reproducib")
SNAPSHOT: list[Path] = []  # the copy of src/ the children (and this process) import talkcat from
CODE: list[str] = []  # the commit that copy was taken at, said when it was taken (the report is written later)
# Line breaks as talkcat numbers lines (as editors and `grep -n` do, see talkcat.yamlread):
# a raw U+2028 in a description, which pyvideo has, starts no new line.
LINE_BREAK = re.compile(r"\r\n|[\n\r]")
DASH = re.compile(r" *- ")
README = "# Talks\n\nWhat I have spoken about.\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## License\n\nCC BY 4.0\n"

# Issue 15: (name, what is compared, limit). See `targets_15`.
TARGETS_15 = (
    ("1. hook path, warm, nothing to do", "x floor", 2.0),
    ("1. hook path against the peer", "x cog --check", 1.0),
    ("2. `pre-commit run` with talkcat's hook", "x `true` hook", 1.4),
    ("3. warm `sync-readme --check`, 21,511 talks", "x PyYAML C parse", 0.03),
    ("3. its peak memory", "MiB", 60),
    ("4. warm add, edit, remove, 21,511 talks", "x ruamel C parse", 0.3),
    ("5. `import` of the 21,511-talk README", "x markdown-it parse", 1.3),
    ("5. its peak memory", "MiB", 900),
    ("6. completion on the hook path", "x without its module", 1.05),
)
TARGETS = (
    ("start-up: `sync-readme --check` on data/talks.yaml, cache warm", "x floor", 4.0),
    ("read commands on pyvideo, first run", "x PyYAML C parse", 1.5),
    ("read commands on pyvideo, again (cache)", "x PyYAML C parse", 0.1),
    ("add on pyvideo", "x ruamel C parse", 2.0),
    ("growth from 1,000 to 10,000 talks", "x", 11.0),
)


@dataclass
class Result:
    """One case's timings: median and all runs (seconds), peak memory (KiB), exit codes."""

    label: str
    times: list[float] = field(default_factory=list)
    peak_kib: int = 0
    exit_codes: set[int] = field(default_factory=set)
    missing: str | None = None  # why the case could not run

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


# What to do, untimed, before each run of a case: plain data, so that a small
# worker process can do it (see `measure`).
#   ["empty", folder]           empty a folder (a cache)
#   ["copy", source, target]    put a file back as it was
#   ["unlink", path]            remove a file
#   ["run", argv, cwd, env]     run a process (to warm a cache)
#   ["touch", path]             give a file new times, its bytes kept (as a checkout does)
Step = list[Any]


@dataclass
class Case:
    label: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    prepare: list[Step] = field(default_factory=list)
    expect: int = 0  # the exit code every run must give; any other makes the case fail
    result: Result = field(init=False)

    def __post_init__(self) -> None:
        self.result = Result(self.label)

    @property
    def failed(self) -> bool:
        """Whether a run exited with another code than expected: its time then says nothing."""
        return not self.result.missing and self.result.exit_codes != {self.expect}

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "argv": self.argv, "cwd": str(self.cwd), "env": self.env, "prepare": self.prepare}


@dataclass
class Dataset:
    name: str
    folder: Path  # the project folder: commands run here
    catalogue: Path
    readme: Path
    talks: int
    edit_id: str | None = None
    problems: int = 0  # what `talkcat validate` finds: validate and sync-readme --check then exit 1
    reads: bool = True  # time the read commands
    writes: bool = True  # time add, edit, remove and import
    hooks: bool = False  # the hook path's dataset: only its cases
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- running processes -------------------------------------------------------


def run_once(case: Case) -> tuple[float, int, int, str]:
    """Wall time, exit code, peak RSS in KiB and stderr of one process of `case`."""
    for step in case.prepare:
        _do(step)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(case.argv, cwd=case.cwd, env=case.env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return elapsed, proc.returncode, usage.ru_maxrss, stderr


def _do(step: Step) -> None:
    action, *args = step
    if action == "empty":
        shutil.rmtree(args[0], ignore_errors=True)
        Path(args[0]).mkdir(parents=True, exist_ok=True)
    elif action == "copy":
        shutil.copyfile(args[0], args[1])
    elif action == "unlink":
        Path(args[0]).unlink(missing_ok=True)
    elif action == "run":
        subprocess.run(args[0], cwd=args[1], env=args[2], capture_output=True, check=False)
    elif action == "touch":
        os.utime(args[0])
    else:
        raise ValueError(f"unknown step {action!r}")


def measure(cases: Sequence[Case], runs: int) -> None:
    """Time the cases in a fresh, small worker process, and keep its results.

    Linux counts the memory a child had before `exec` (its parent's, shared
    on fork) in the child's peak RSS: forked from this process, which holds
    20 MB catalogues, every child would look 150 MB large.
    """
    job = json.dumps({"runs": runs, "cases": [case.to_json() for case in cases]})
    proc = subprocess.run([PYTHON, "-I", __file__, "--worker"], input=job, capture_output=True, text=True, check=True)
    for case, result in zip(cases, json.loads(proc.stdout)):
        case.result = Result(
            case.label, result["times"], result["peak_kib"], set(result["exit_codes"]), result["missing"]
        )


def worker() -> int:
    """`--worker`: measure the cases given as JSON on stdin; results as JSON on stdout."""
    job = json.load(sys.stdin)
    cases = [Case(c["label"], c["argv"], Path(c["cwd"]), c["env"], c["prepare"]) for c in job["cases"]]
    measure_here(cases, job["runs"])
    results = [
        {
            "times": c.result.times,
            "peak_kib": c.result.peak_kib,
            "exit_codes": sorted(c.result.exit_codes),
            "missing": c.result.missing,
        }
        for c in cases
    ]
    json.dump(results, sys.stdout)
    return 0


def measure_here(cases: Sequence[Case], runs: int) -> None:
    """Warm up each case, then time them round-robin so that noise spreads over all."""
    live = []
    for case in cases:
        elapsed, code, _, stderr = run_once(case)
        if code == 2 and ("No such command" in stderr or "No such option" in stderr):
            case.result.missing = "not available: " + _last_line(stderr)
        else:
            live.append((case, runs if elapsed >= SLOW else max(runs, 21) if elapsed >= QUICK else max(runs, 51)))
    for round_number in range(max((n for _, n in live), default=0)):
        for case, n in live:
            if round_number < n:
                elapsed, code, peak, _ = run_once(case)
                case.result.times.append(elapsed)
                case.result.exit_codes.add(code)
                case.result.peak_kib = max(case.result.peak_kib, peak)


def _last_line(text: str) -> str:
    lines = [line.strip(" │╭╮╰╯─\t") for line in text.splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "(no message)"


def child_env(cache_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "TALKCAT_CACHE_DIR")}
    env.update(NO_COLOR="1", COLUMNS="100", LC_ALL=env.get("LC_ALL", "C.UTF-8"))
    if SNAPSHOT:
        env["PYTHONPATH"] = os.pathsep.join([str(SNAPSHOT[0]), *filter(None, [env.get("PYTHONPATH")])])
    if sys.platform.startswith("linux"):
        env["XDG_CACHE_HOME"] = str(cache_home)
    else:
        env["TALKCAT_CACHE_DIR"] = str(cache_home / "talkcat")
    return env


def talkcat_argv() -> list[str]:
    script = Path(PYTHON).parent / ("talkcat.exe" if os.name == "nt" else "talkcat")
    return [str(script)] if script.exists() else [PYTHON, "-m", "talkcat"]


# --- catalogues -------------------------------------------------------------

_WORDS = (
    "data science python machine learning reproducible research pipelines testing packaging "
    "community open source climate weather geophysics deep neural networks notebooks jupyter "
    "visualisation statistics causality explainability career mentoring teaching kaggle "
    "benchmarks performance parsing rust compilers async web apis databases security"
).split()
_EVENTS = ("PyData Global", "EuroSciPy", "PyCon DE", "EuroPython", "JupyterCon", "FOSDEM", "Meetup")
_PLACES = ("Online", "Basel, Switzerland", "Berlin, Germany", "Zürich, Switzerland", "Prague, Czechia")
_KINDS = ("talk", "talk", "talk", "keynote", "workshop", "tutorial", "panel", "lightning")


def generate_catalogue(talks: int, seed: int = 4) -> str:
    """A valid catalogue of `talks` varied entries, newest first, as a person would write it."""
    rng = random.Random(seed)
    day = dt.date(2025, 12, 31)
    seen: set[tuple[dt.date, str]] = set()
    out = ["# Generated by bench/run.py\ntalks:\n"]
    for number in range(talks):
        if rng.random() < 0.7:
            day -= dt.timedelta(days=rng.randint(1, 3))
        words = rng.sample(_WORDS, rng.randint(3, 7))
        title = " ".join(words).capitalize()
        while (day, title) in seen:
            title += f" {number}"
        seen.add((day, title))
        event = f"{rng.choice(_EVENTS)} {day.year}"
        lines = [f"- title: {json.dumps(title, ensure_ascii=False)}", f"  date: {day}", f"  event: {event}"]
        lines.append(f"  location: {json.dumps(rng.choice(_PLACES), ensure_ascii=False)}")
        kind = rng.choice(_KINDS)
        if kind != "talk":
            lines.append(f"  kind: {kind}")
        if rng.random() < 0.5:
            lines.append("  speakers:")
            lines += [f"  - {name}" for name in rng.sample(("Ann Lee", "Bo Chen", "Jesper Dramsch", "Zoë Ruiz"), 2)]
        lines.append("  tags: [" + ", ".join(rng.sample(_WORDS, 3)) + "]")
        lines.append(f"  link: https://example.org/{day.year}/talk-{number}")
        if rng.random() < 0.6:
            lines += ["  video:", "    label: Video", f"    url: https://video.example.org/watch?v={number:08d}"]
        if rng.random() < 0.4:
            lines.append(f"  slides: https://slides.example.org/{number}/")
        if rng.random() < 0.8:
            lines += ["  description: |"] + [f"    {line}" if line else "" for line in _description(rng)]
        out.append("\n".join(lines) + "\n")
    return "".join(out)


def _description(rng: random.Random) -> list[str]:
    lines: list[str] = []
    for paragraph in range(rng.randint(1, 4)):
        if paragraph and rng.random() < 0.3:
            lines += [f"## {' '.join(rng.sample(_WORDS, 2)).capitalize()}", ""]
        sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 60)))
        lines += [sentence.capitalize() + ".", ""]
    if rng.random() < 0.3:
        lines += [f"- {rng.choice(_WORDS)}" for _ in range(3)] + [""]
    return lines[:-1]


def first_talk_id(text: str) -> str | None:
    """The id of the catalogue's first talk, computed as talkcat does."""
    try:
        import yaml

        from talkcat.model import Talk
    except ImportError:
        return None
    start = text.find("\n- ")
    end = text.find("\n- ", start + 1)
    if start < 0:
        return None
    head = text[:end] if end > 0 else text
    entry = yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["talks"][0]
    if "id" in entry:
        return str(entry["id"])
    return Talk(title=entry["title"], date=entry["date"], event=entry["event"]).slug


# --- the cases ---------------------------------------------------------------


def build_datasets(work: Path, skip_pyvideo: bool) -> tuple[list[Dataset], list[str]]:
    notes: list[str] = []
    sets: list[Dataset] = []
    data = ROOT / "data" / "talks.yaml"
    if data.exists() and (ROOT / "README.md").exists():
        text = data.read_text(encoding="utf-8")
        sets.append(Dataset("data/talks.yaml", ROOT, data, ROOT / "README.md", text.count("\n- "), first_talk_id(text)))
        sets.append(hook_dataset(work))
    else:
        notes.append("data/talks.yaml: not available (the repository has no data/talks.yaml yet)")
    for talks in (1_000, 10_000):
        folder = work / f"gen{talks}"
        (folder / ".git").mkdir(parents=True)
        (folder / "data").mkdir()
        text = generate_catalogue(talks)
        (folder / "data" / "talks.yaml").write_text(text, encoding="utf-8")
        (folder / "README.md").write_text(README, encoding="utf-8")
        sets.append(
            Dataset(
                f"generated {talks:,}",
                folder,
                folder / "data/talks.yaml",
                folder / "README.md",
                talks,
                first_talk_id(text),
            )
        )
    if skip_pyvideo:
        notes.append("pyvideo: skipped (--skip-pyvideo)")
    elif not PYVIDEO_XZ.exists():
        notes.append(f"pyvideo: not available ({PYVIDEO_XZ} is missing)")
    else:
        folder = work / "pyvideo"
        (folder / ".git").mkdir(parents=True)
        (folder / "data").mkdir()
        target = folder / "data" / "talks.yaml"
        with lzma.open(PYVIDEO_XZ) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        (folder / "README.md").write_text(README, encoding="utf-8")
        text = target.read_text(encoding="utf-8")
        valid, dropped, problems = valid_entries_only(text, target)
        raw = Dataset(
            "pyvideo",
            folder,
            target,
            folder / "README.md",
            text.count("\n- "),
            first_talk_id(text),
            problems,
            writes=False,
        )
        sets.append(raw)
        if dropped:
            raw.notes.append(
                f"`talkcat validate` finds {problems} problems in {dropped} entries of the archive, so `validate` "
                "and `sync-readme --check` exit 1 here by design, after reading and validating the whole file; "
                "their times count towards the read targets, with exit 1 as the expected code."
            )
            folder = work / "pyvideo-valid"
            (folder / ".git").mkdir(parents=True)
            (folder / "data").mkdir()
            (folder / "data" / "talks.yaml").write_text(valid, encoding="utf-8")
            (folder / "README.md").write_text(README, encoding="utf-8")
            require_valid(folder / "data" / "talks.yaml")
            ds = Dataset(
                "pyvideo, valid entries only",
                folder,
                folder / "data/talks.yaml",
                folder / "README.md",
                valid.count("\n- "),
                first_talk_id(valid),
                reads=False,
            )
            ds.notes.append(
                f"The pyvideo catalogue has problems in {dropped} entries, so add, edit and remove refuse to change it;"
                " here those entries are left out (`talkcat validate` passes on what is left)"
                " so that they run their whole course."
            )
            sets.append(ds)
    return sets, notes


COG_FILE = """\
# Talks

<!-- [[[cog
import cog
talks = [(2023, "How to find your people actually"), (2022, "Real-world perspectives"),
         (2022, "Making machine learning reproducible"), (2021, "A fellowship application"),
         (2021, "Nobody understands your machine learning project")]
for year, title in talks:
    cog.outl(f"- {year}: {title}")
]]] -->
<!-- [[[end]]] -->
"""


def hook_dataset(work: Path) -> Dataset:
    """Three git repositories: one with this repository's catalogue, README and pyproject.toml
    and talkcat's hook as `talkcat init` writes it; one the same with a `true` hook; one with
    a small cog-managed file and cog's hook (the peer). Each committed, its README in sync."""
    from talkcat.scaffold import LOCAL_HOOK

    def config(entry: str) -> str:
        lines = [line.replace("entry: talkcat sync-readme", f"entry: {json.dumps(entry)}") for line in LOCAL_HOOK]
        hook = "".join(f"      {'- ' if n == 0 else '  '}{line}\n" for n, line in enumerate(lines))
        return "repos:\n  - repo: local\n    hooks:\n" + hook

    made = {}
    for name, entry in (("hook", "talkcat sync-readme"), ("hook-true", "true"), ("hook-cog", "cog --check talks.md")):
        folder = work / name
        (folder / "data").mkdir(parents=True)
        shutil.copyfile(ROOT / "data" / "talks.yaml", folder / "data" / "talks.yaml")
        shutil.copyfile(ROOT / "README.md", folder / "README.md")
        shutil.copyfile(ROOT / "pyproject.toml", folder / "pyproject.toml")
        (folder / ".pre-commit-config.yaml").write_text(config(entry), encoding="utf-8")
        (folder / "talks.md").write_text(COG_FILE, encoding="utf-8")
        made[name] = folder
    cog = [str(Path(PYTHON).parent / "cog"), "-r", "talks.md"]
    subprocess.run(cog, cwd=made["hook-cog"], check=True, capture_output=True)
    talkcat = talkcat_argv() + ["sync-readme"]
    subprocess.run(talkcat, cwd=made["hook"], env=child_env(work / "cache" / "sync"), check=True, capture_output=True)
    for folder in made.values():
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "talks"]):
            subprocess.run([*git, *args], cwd=folder, check=True, capture_output=True)
    text = (made["hook"] / "data" / "talks.yaml").read_text(encoding="utf-8")
    return Dataset(
        "the hook path",
        made["hook"],
        made["hook"] / "data" / "talks.yaml",
        made["hook"] / "README.md",
        text.count("\n- "),
        reads=False,
        writes=False,
        hooks=True,
    )


def valid_entries_only(text: str, path: Path) -> tuple[str, int, int]:
    """`text` without the entries talkcat finds problems in; how many entries those were, and problems.

    The entries are talkcat's own: where each starts, as its parser numbers lines
    (`Checked.entry_lines`), and which are invalid (no talk, or a problem on
    one of its lines). Splitting the text again could disagree with the parser
    about lines, and drop the wrong entry.
    """
    from talkcat import store

    catalogue = store.load_catalogue(path, cache=False)
    firsts = catalogue.checked.entry_lines  # the line of each entry's first key, 1-based
    bad = {i for i, talk in enumerate(catalogue.checked.talks) if talk is None}
    bad |= {bisect.bisect_right(firsts, p.line) - 1 for p in catalogue.problems if p.line is not None}
    bad.discard(-1)  # a problem above the first entry: no entry to drop; `require_valid` will say
    if not bad:
        return text, 0, len(catalogue.problems)
    starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]  # offset of each line
    dashes = [starts[line - 1] for line in firsts]
    for i, at in enumerate(dashes):
        if not DASH.match(text, at):
            sys.exit(
                f"bench: {path}: entry #{i + 1} does not start with `- ` on its first key's line; cannot drop entries"
            )
    ends = [*dashes[1:], len(text)]
    kept = [text[: dashes[0]]] + [text[dashes[i] : ends[i]] for i in range(len(dashes)) if i not in bad]
    return "".join(kept), len(bad), len(catalogue.problems)


def require_valid(path: Path) -> None:
    """Stop the benchmark if `talkcat validate` does not pass on `path`: its writes would time a refusal."""
    proc = subprocess.run(
        talkcat_argv() + ["validate", "--no-cache", "--data", str(path)],
        capture_output=True,
        text=True,
        env=child_env(path.parent / "cache"),
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(
            f"bench: `talkcat validate` exits {proc.returncode} on {path},"
            f" which should hold only valid entries:\n{proc.stderr}"
        )


def add_cases(ds: Dataset, work: Path, talkcat: list[str]) -> None:
    slug = ds.name.replace("/", "-").replace(" ", "-").replace(",", "")
    env_count = 0

    def env(clean: bool = False) -> tuple[dict[str, str], list[Step]]:
        nonlocal env_count
        env_count += 1
        home = work / "cache" / f"{slug}-{env_count}"
        home.mkdir(parents=True)
        return child_env(home), [["empty", str(home)]] if clean else []

    rel = os.path.relpath(ds.catalogue, ds.folder)
    readme = os.path.relpath(ds.readme, ds.folder)
    floor_env, _ = env()
    ds.cases.append(
        Case(FLOOR, [PYTHON, "-c", f"import re, pathlib; pathlib.Path({readme!r}).read_text()"], ds.folder, floor_env)
    )
    if ds.hooks:
        add_hook_cases(ds, work, talkcat, env)
        return
    ds.cases.append(
        Case("python -c 'import typer, ruamel.yaml'", [PYTHON, "-c", "import typer, ruamel.yaml"], ds.folder, floor_env)
    )
    parse = f"import yaml; yaml.load(open({str(ds.catalogue)!r}, 'rb'), Loader=yaml.CSafeLoader)"
    ds.cases.append(Case("ref: PyYAML C loader parse", [PYTHON, "-c", parse], ds.folder, floor_env))
    ruamel = f"from ruamel.yaml import YAML; YAML(typ='safe').load(open({str(ds.catalogue)!r}, 'rb'))"
    ds.cases.append(Case("ref: ruamel C parser parse", [PYTHON, "-c", ruamel], ds.folder, floor_env))

    reads: list[tuple[str, list[str]]] = [
        ("sync-readme --check", ["sync-readme", "--check", "--data", rel, "--readme", readme])
    ]
    if ds.reads:
        reads[:0] = [("validate", ["validate", "--data", rel])]
        reads += [("list --format json", ["list", "--format", "json", "--data", rel])]
        reads += [(f"search {q!r}", ["search", q, "--data", rel]) for q in QUERIES]
    for label, args in reads:
        # A catalogue with problems: validate reports them, sync-readme refuses to render it.
        expect = 1 if ds.problems and args[0] in ("validate", "sync-readme") else 0
        cold_env, clear = env(clean=True)
        ds.cases.append(Case(f"{label} (first run)", talkcat + args, ds.folder, cold_env, clear, expect))
        warm_env, _ = env()
        ds.cases.append(Case(f"{label} (again)", talkcat + args, ds.folder, warm_env, expect=expect))
    if not ds.reads:
        # The same bytes with new times, as after a checkout: the stat differs, the hash is taken.
        touched_env, _ = env()
        touch = [["touch", str(ds.catalogue)], ["touch", str(ds.readme)]]
        ds.cases.append(
            Case("sync-readme --check (again, files touched)", talkcat + reads[0][1], ds.folder, touched_env, touch)
        )

    if not ds.writes:
        return
    copy = work / "copies" / slug / "data" / "talks.yaml"
    copy.parent.mkdir(parents=True)
    (copy.parent.parent / ".git").mkdir()
    add = [
        "add",
        "--data",
        str(copy),
        "--no-input",
        "--title",
        "A talk added by the benchmark",
        "--date",
        "2019-06-15",
        "--event",
        "Bench Conf 2019",
        "--location",
        "Online",
    ]
    add_env, add_clear = env(clean=True)
    fresh_copy = [["copy", str(ds.catalogue), str(copy)], *add_clear]
    ds.cases.append(Case("add (first run)", talkcat + add, copy.parent.parent, add_env, fresh_copy))
    # Warmed by a command that loads the catalogue, never answered from a verdict (as validate
    # would be on the same bytes): its cache entry is that of the file the change starts from.
    warm_add_env, _ = env()
    warm = talkcat + ["list", "--format", "json", "--limit", "1", "--data", str(copy)]
    warmed_copy = [["copy", str(ds.catalogue), str(copy)], ["run", warm, str(copy.parent.parent), warm_add_env]]
    ds.cases.append(Case("add (cache warm)", talkcat + add, copy.parent.parent, warm_add_env, warmed_copy))
    if ds.edit_id:
        for label, args in (
            ("edit", ["edit", ds.edit_id, "--set", "location=Somewhere Else", "--data", str(copy)]),
            ("remove", ["remove", ds.edit_id, "--yes", "--data", str(copy)]),
        ):
            ds.cases.append(Case(f"{label} (first run)", talkcat + args, copy.parent.parent, add_env, fresh_copy))
            ds.cases.append(
                Case(f"{label} (cache warm)", talkcat + args, copy.parent.parent, warm_add_env, warmed_copy)
            )

    out = work / "imports" / slug / "talks.yaml"
    out.parent.mkdir(parents=True)
    imp_env, _ = env()
    markdown_it = (
        "from markdown_it import MarkdownIt; MarkdownIt('commonmark').enable('table')"
        f".parse(open({str(ds.readme)!r}, encoding='utf-8').read())"
    )
    ds.cases.append(Case("ref: markdown-it parse of the README", [PYTHON, "-c", markdown_it], ds.folder, floor_env))
    ds.cases.append(
        Case(
            "import README",
            talkcat + ["import", str(ds.readme), "--data", str(out), "--force"],
            ds.folder,
            imp_env,
            [["unlink", str(out)]],
        )
    )


FLOOR = "floor: python -c 'import re, pathlib' + read README"
COG = "peer: cog --check of a small cog-managed file"
HOOK_ARGS = (["validate"], ["sync-readme"], ["sync-readme", "--check"])
PRE_COMMIT = ("pre-commit run: talkcat's hook", "pre-commit run: cog's hook", "pre-commit run: a `true` hook")
NO_COMPLETION = "hook: talkcat sync-readme --check, talkcat without its completion module"


def add_hook_cases(
    ds: Dataset, work: Path, talkcat: list[str], env: Callable[..., tuple[dict[str, str], list[Step]]]
) -> None:
    """The hook path: each command as the hook runs it, warm (the warm-up run leaves its
    verdict), nothing to do; the peer; pre-commit itself; and talkcat without completion."""
    cog_env, _ = env()
    cog = [str(Path(PYTHON).parent / "cog"), "--check", "talks.md"]
    ds.cases.append(Case(COG, cog, work / "hook-cog", cog_env))
    for args in HOOK_ARGS:
        hook_env, _ = env()
        ds.cases.append(Case(f"hook: talkcat {' '.join(args)}", talkcat + args, ds.folder, hook_env))
    bare = work / "src-no-completion"
    shutil.copytree(SNAPSHOT[0], bare)
    (bare / "talkcat" / "commands" / "completion.py").unlink()
    bare_env, _ = env()
    bare_env["PYTHONPATH"] = os.pathsep.join([str(bare), *bare_env["PYTHONPATH"].split(os.pathsep)[1:]])
    ds.cases.append(Case(NO_COMPLETION, talkcat + ["sync-readme", "--check"], ds.folder, bare_env))
    home = work / "pre-commit-home"
    for label, folder in zip(PRE_COMMIT, ("hook", "hook-cog", "hook-true")):
        hook_env, _ = env()
        hook_env.update(
            PATH=str(Path(PYTHON).parent) + os.pathsep + hook_env.get("PATH", ""),
            PRE_COMMIT_HOME=str(home),
            PRE_COMMIT_COLOR="never",
        )
        ds.cases.append(Case(label, [PYTHON, "-m", "pre_commit", "run"], work / folder, hook_env))


def sync_readmes(sets: list[Dataset], talkcat: list[str], work: Path) -> None:
    """Bring the generated READMEs up to date, so that `--check` compares a whole block."""
    for ds in sets:
        if ds.folder == ROOT or ds.hooks:
            continue
        proc = subprocess.run(
            talkcat + ["sync-readme", "--data", str(ds.catalogue), "--readme", str(ds.readme)],
            cwd=ds.folder,
            env=child_env(work / "cache" / "sync"),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            ds.notes.append(
                f"its README could not be rendered (sync-readme exit {proc.returncode}: {_last_line(proc.stderr)}),"
                " so `sync-readme --check` reports it out of date or invalid, and `import` reads an empty block"
            )


# --- reporting ---------------------------------------------------------------


def report(sets: list[Dataset], notes: list[str], runs: int, elapsed: float) -> str:
    out = ["# talkcat benchmark", ""]
    out += [
        f"Produced by `python bench/run.py` on {dt.date.today()} in {elapsed / 60:.1f} minutes. "
        f"Median of {runs} runs (21 for cases under {SLOW} s, 51 under {QUICK} s) after a warm-up, each a whole "
        "process, the "
        "cases of one catalogue interleaved round-robin; a ratio is the median of the ratios of the runs of "
        "one round (a case and its reference run side by side); "
        "peak memory is the largest resident set of any run (Linux counts the ~17 MB of the worker "
        "process that starts each run in it, so small processes read about that).",
        "",
    ]
    out += ["## Machine", ""] + [f"- {line}" for line in machine()] + [""]
    if notes:
        out += ["## Not measured", ""] + [f"- {note}" for note in notes] + [""]
    for ds in sets:
        out += [f"## {ds.name} ({ds.talks:,} talks, {ds.catalogue.stat().st_size / 1e6:.2f} MB)", ""]
        out += [f"_{note}_" for note in ds.notes] + ([""] if ds.notes else [])
        refs = {c.label: c.result for c in ds.cases}
        out += ["| case | median | reference | ratio | peak memory | exit (expected) |", "|---|---:|---|---:|---:|---|"]
        for case in ds.cases:
            r = case.result
            if r.missing:
                out.append(f"| {case.label} | {r.missing} | | | | |")
                continue
            ref_name, ref = _reference(case.label, refs, start_up=ds.folder == ROOT)
            ratio = f"{pairwise(r, ref):.2f}x" if ref is not None else ""
            ref_text = f"{ref_name} {_ms(ref.median)}" if ref is not None else ""
            codes = ",".join(str(c) for c in sorted(r.exit_codes))
            codes = f"**{codes} (expected {case.expect})**" if case.failed else f"{codes} ({case.expect})"
            out.append(
                f"| {case.label} | {_ms(r.median)} | {ref_text} | {ratio} | {r.peak_kib / 1024:.0f} MiB | {codes} |"
            )
        out.append("")
    out += targets(sets)
    out += targets_15(sets)
    failed = [f"{ds.name}: {case.label}" for ds in sets for case in ds.cases if case.failed]
    if failed:
        out += ["## Failed cases", "", "These exited with another code than expected, so their times say nothing:", ""]
        out += [f"- {name}" for name in failed] + [""]
    return "\n".join(out) + "\n"


def _reference(label: str, refs: dict[str, Result], *, start_up: bool) -> tuple[str, Result | None]:
    """What a case is judged against: on the small real catalogue, start-up is everything."""
    if label.startswith(("floor", "ref:")) or label == PRE_COMMIT[2]:
        return "", None
    if label.startswith("pre-commit"):
        return "a `true` hook", refs[PRE_COMMIT[2]]
    if label.startswith(("python -c", "hook:", "peer:")) or start_up:
        return "floor", refs[FLOOR]
    if label.startswith("import") and "ref: markdown-it parse of the README" in refs:
        return "markdown-it parse", refs["ref: markdown-it parse of the README"]
    if label.startswith(("add", "edit", "remove", "import")):
        return "ruamel C parse", refs["ref: ruamel C parser parse"]
    return "PyYAML C parse", refs["ref: PyYAML C loader parse"]


def pairwise(case: Result, ref: Result) -> float:
    """The median of the ratios of `case`'s runs to `ref`'s of the same rounds: run side by side,
    the two share whatever else the machine was doing then."""
    ratios = [mine / theirs for mine, theirs in zip(case.times, ref.times)]
    return statistics.median(ratios) if ratios else float("nan")


def targets(sets: list[Dataset]) -> list[str]:
    """Each target of the issue, with the case that decides it (the worst one).

    A target is not met if any case it covers exited with another code than
    expected (a reference included): a command that failed early is fast.
    """
    by_name = {ds.name: {c.label: c for c in ds.cases} for ds in sets}
    owner = {id(c): ds.name for ds in sets for c in ds.cases}
    rows = ["## Targets (issue #4)", ""]
    rows += [
        "Each case must also exit as expected: 0, or 1 for `validate` and `sync-readme --check` on a "
        "catalogue with problems (the raw pyvideo archive). A case that exits otherwise fails its target.",
        "",
    ]
    rows += ["| target | worst case | measured | limit | met |", "|---|---|---:|---:|---|"]

    def row(name: str, ratios: dict[str, float], limit: float, why: str = "", broken: Sequence[str] = ()) -> None:
        if broken:
            rows.append(f"| {name} | {'; '.join(broken)} | | {limit}x | **no**: unexpected exit code |")
            return
        if not ratios:
            rows.append(f"| {name} | {why or 'not measured'} | | {limit}x | – |")
            return
        worst = max(ratios, key=ratios.__getitem__)
        met = "yes" if ratios[worst] <= limit else "**no**"
        rows.append(f"| {name} | {worst} | {ratios[worst]:.2f}x | {limit}x | {met} |")

    def covered(cases: dict[str, Case] | None, ref: str, keep: Callable[[str], bool]) -> list[Case]:
        if not cases:
            return []
        return [cases[ref], *(c for k, c in cases.items() if keep(k) and not c.result.missing and c.result.times)]

    def ratios(cases: dict[str, Case] | None, ref: str, keep: Callable[[str], bool]) -> dict[str, float]:
        if not cases:
            return {}
        base = cases[ref].result
        return {c.label: pairwise(c.result, base) for c in covered(cases, ref, keep)[1:]}

    def failed(*groups: tuple[dict[str, Case] | None, str, Callable[[str], bool]]) -> list[str]:
        return [
            f"{c.label} ({owner[id(c)]}): exit {','.join(map(str, sorted(c.result.exit_codes)))}, expected {c.expect}"
            for group in groups
            for c in covered(*group)
            if c.failed
        ]

    data = by_name.get("data/talks.yaml")
    floor = "floor: python -c 'import re, pathlib' + read README"
    start_up = (data, floor, lambda k: k == "sync-readme --check (again)")
    row(
        TARGETS[0][0],
        ratios(*start_up),
        TARGETS[0][2],
        "" if data else "no data/talks.yaml yet",
        broken=failed(start_up),
    )
    pyvideo = by_name.get("pyvideo")
    # Raw pyvideo has problems, so its sync-readme stops after validation; the valid copy renders.
    valid = by_name.get("pyvideo, valid entries only")
    for target, suffix in ((TARGETS[1], "(first run)"), (TARGETS[2], "(again)")):
        raw = (pyvideo, "ref: PyYAML C loader parse", lambda k, suffix=suffix: k.endswith(suffix))
        rendered = (
            valid,
            "ref: PyYAML C loader parse",
            lambda k, suffix=suffix: k.startswith("sync-readme") and k.endswith(suffix),
        )
        row(
            target[0],
            {**ratios(*raw), **{f"{k}, valid entries": v for k, v in ratios(*rendered).items()}},
            target[2],
            broken=failed(raw, rendered),
        )
    writes = valid or pyvideo
    for command in ("add", "edit", "remove"):
        group = (writes, "ref: ruamel C parser parse", lambda k, command=command: k.startswith(command + " "))
        row(f"{command} on pyvideo", ratios(*group), TARGETS[3][2], broken=failed(group))
    small, big = by_name.get("generated 1,000"), by_name.get("generated 10,000")
    growth = {}
    grown: list[str] = []
    if small and big:
        compared = [
            k
            for k, c in small.items()
            if c.result.times and big[k].result.times and not k.startswith(("floor", "python -c", "ref:"))
        ]
        growth = {k: big[k].result.median / small[k].result.median for k in compared}
        grown = failed(*((cases, floor, compared.__contains__) for cases in (small, big)))
    row(TARGETS[4][0], growth, TARGETS[4][2], broken=grown)
    return rows + [""]


def targets_15(sets: list[Dataset]) -> list[str]:
    """Each target of issue 15, with the case that decides it (the worst one), judged by the
    median of pairwise ratios to its reference (or its peak memory); every case it covers, the
    reference included, must exit 0."""
    by_name = {ds.name: {c.label: c for c in ds.cases} for ds in sets}
    hook, valid = by_name.get("the hook path"), by_name.get("pyvideo, valid entries only")
    rows = ["## Targets (issue #15)", ""]
    rows += [
        'The floor is `python -c "import re, pathlib"` reading the README; the hook path is each of '
        "`talkcat validate`, `talkcat sync-readme` and `talkcat sync-readme --check` run as the hook runs "
        "them, warm, with nothing to do, in a git repository holding this repository's catalogue.",
        "",
    ]
    rows += ["| target | worst case | measured | limit | met |", "|---|---|---:|---:|---|"]

    def row(
        target: tuple[str, str, float], cases: dict[str, Case] | None, ref: str | None, labels: Sequence[str]
    ) -> None:
        name, unit, limit = target
        shown = f"{limit:g} {unit}" if unit == "MiB" else f"{limit:g}{unit}"
        chosen = [cases[label] for label in labels if label in cases] if cases else []
        if not cases or not chosen or (ref is not None and ref not in cases):
            rows.append(f"| {name} | not measured | | {shown} | – |")
            return
        base = cases[ref] if ref is not None else None
        broken = [c for c in [*chosen, *([base] if base else [])] if c.failed or c.result.missing]
        if broken:
            why = "; ".join(
                f"{c.label}: {c.result.missing or 'exit ' + ','.join(map(str, sorted(c.result.exit_codes)))}"
                for c in broken
            )
            rows.append(f"| {name} | {why} | | {shown} | **no** |")
            return
        if base is None:
            measured = {c.label: c.result.peak_kib / 1024 for c in chosen}
        else:
            measured = {c.label: pairwise(c.result, base.result) for c in chosen}
        worst = max(measured, key=measured.__getitem__)
        value = f"{measured[worst]:.0f} MiB" if base is None else f"{measured[worst]:.2f}x"
        rows.append(f"| {name} | {worst} | {value} | {shown} | {'yes' if measured[worst] <= limit else '**no**'} |")

    hooks = [f"hook: talkcat {' '.join(args)}" for args in HOOK_ARGS]
    row(TARGETS_15[0], hook, FLOOR, hooks)
    row(TARGETS_15[1], hook, COG, hooks)
    row(TARGETS_15[2], hook, PRE_COMMIT[2], [PRE_COMMIT[0]])
    row(TARGETS_15[3], valid, "ref: PyYAML C loader parse", ["sync-readme --check (again)"])
    row(TARGETS_15[4], valid, None, ["sync-readme --check (again)"])
    writes = [f"{command} (cache warm)" for command in ("add", "edit", "remove")]
    row(TARGETS_15[5], valid, "ref: ruamel C parser parse", writes)
    row(TARGETS_15[6], valid, "ref: markdown-it parse of the README", ["import README"])
    row(TARGETS_15[7], valid, None, ["import README"])
    row(TARGETS_15[8], hook, NO_COMPLETION, ["hook: talkcat sync-readme --check"])
    peer = (
        [f"- {PRE_COMMIT[1]}: {pairwise(hook[PRE_COMMIT[1]].result, hook[PRE_COMMIT[2]].result):.2f}x a `true` hook"]
        if hook and all(label in hook and hook[label].result.times for label in PRE_COMMIT[1:])
        else []
    )
    if peer:
        rows += ["", "The peer's own figure, for comparison:", "", *peer]
    return rows + [""]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    lines = [
        f"{cpu}, {os.cpu_count()} logical CPUs{memory}",
        f"{platform.system()} {platform.release()} ({platform.platform()})",
        f"Python {platform.python_version()} ({platform.python_implementation()}) at {PYTHON}",
    ]
    versions = []
    dists = (
        "talkcat",
        "typer",
        "ruamel.yaml",
        "ruamel.yaml.clib",
        "PyYAML",
        "tabulate",
        "markdown-it-py",
        "rich",
        "platformdirs",
        "cogapp",
        "pre-commit",
    )
    for dist in dists:
        try:
            from importlib.metadata import version

            versions.append(f"{dist} {version(dist)}")
        except Exception:
            versions.append(f"{dist} (not installed)")
    lines.append(", ".join(versions))
    proc = subprocess.run(
        talkcat_argv() + ["--version"],
        capture_output=True,
        text=True,
        env=child_env(Path(tempfile.gettempdir())),
        check=False,
    )
    lines.append(f"`talkcat --version`: {proc.stdout.strip() or proc.stderr.strip()}")
    lines.extend(CODE)
    try:
        load = os.getloadavg()
        lines.append(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    return lines


def code_version() -> list[str]:
    """The line naming the commit of src/ as it is now, and whether src/ has changes it does not hold."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return []
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    )
    changes = " with uncommitted changes in src/" if dirty.stdout.strip() else ""
    return [f"talkcat's code: src/ at commit {head.stdout.strip()}{changes}, copied when the run began"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (at least 5)")
    parser.add_argument("--skip-pyvideo", action="store_true", help="leave out the 20 MB catalogue")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="measure only the catalogues whose name holds NAME (repeat for several)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    try:
        import yaml
    except ImportError:
        parser.error("PyYAML is needed for the reference parse: pip install -e '.[bench]'")
    if not getattr(yaml, "__with_libyaml__", False):
        parser.error("this PyYAML has no C loader (libyaml), the reference the targets are set against")
    started = time.perf_counter()
    talkcat = talkcat_argv()
    with tempfile.TemporaryDirectory(prefix="talkcat-bench-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
        SNAPSHOT.append(work / "src")
        CODE.extend(code_version())
        sys.path.insert(0, str(SNAPSHOT[0]))  # talkcat used here (valid_entries_only) is the code timed
        sets, notes = build_datasets(work, args.skip_pyvideo)
        if args.only:
            sets = [ds for ds in sets if any(name in ds.name for name in args.only)]
        sync_readmes(sets, talkcat, work)
        for ds in sets:
            add_cases(ds, work, talkcat)
        for ds in sets:
            print(f"measuring {ds.name} ({len(ds.cases)} cases) ...", file=sys.stderr, flush=True)
            measure(ds.cases, args.runs)
        text = report(sets, notes, args.runs, time.perf_counter() - started)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)
    failed = [f"{ds.name}: {case.label}" for ds in sets for case in ds.cases if case.failed]
    if failed:
        print("bench: unexpected exit codes (see the report's Failed cases):", *failed, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
