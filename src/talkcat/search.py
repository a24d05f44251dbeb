"""Full-text search over talks: pure, ranked, forgiving.

A query is terms that must all match. A term matches the start of a word
(`reproducib` finds `reproducible`), without case or accents (`zurich` finds
`Zürich`); a term of five letters or more also matches a word one edit away
(`pyhton` finds `python`, `reproducable` finds `reproducible`). `"quoted
words"` must follow each other. `title:`, `tag:` and the other `PREFIXES` narrow
a term to one field; `year:2023` keeps that year's talks.

Ranking: for each term, the best field it matched in (title above event and
tags, above location and speakers, above description; an exact word above a
prefix, above a typo), summed over the terms. Ties go newest first, then in
catalogue order.

Speed: each field's folded text is built once, on first use, and a term is
looked for with `str.find` (no regex per talk). Typo candidates come from the
vocabulary of the talks still in the running, so a search over 20,000 talks
stays well under a second.
"""

from __future__ import annotations

import bisect
import collections
import datetime
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from talkcat import model
from talkcat.errors import UsageError
from talkcat.model import Talk
from talkcat.textfold import WORD, fold

# Field -> weight: the ranking's backbone; best first (a tie in the catalogue's order).
WEIGHTS: dict[str, float] = {
    f.name: f.search for f in sorted((f for f in model.FIELDS if f.search), key=lambda f: -f.search)
}
FIELDS = tuple(WEIGHTS)
# `prefix:` -> the field it narrows a word to: a field's name, or one item of it (`tag:`).
PREFIXES: dict[str, tuple[str, ...]] = {
    prefix: (f.name,) for f in model.FIELDS if f.search for prefix in (f.singular, f.name) if prefix
}
YEAR = "year"


def prefix_help() -> str:
    """The prefixes, as help text names them: `title:, ..., tag: or tags:, description:`."""
    by_field: dict[str, list[str]] = {}
    for prefix, (name,) in PREFIXES.items():
        by_field.setdefault(name, []).append(prefix + ":")
    return ", ".join(" or ".join(by_field[name]) for name in model.FIELD_NAMES if name in by_field)


EXACT, PREFIX, TYPO = 1.0, 0.9, 0.6
MIN_TYPO_LENGTH = 5

_TOKEN = re.compile(r'\s*(?:([A-Za-z]+):)?(?:"([^"]*)(?:"|\Z)|([^\s"]+))')


@dataclass(frozen=True)
class Term:
    """Folded words that must match, in order when more than one."""

    words: tuple[str, ...]
    fields: tuple[str, ...] = FIELDS
    anywhere: bool = False  # a script written without spaces: match inside words

    @property
    def forgiving(self) -> bool:
        """Whether a one-letter typo still matches."""
        return len(self.words) == 1 and not self.anywhere and len(self.words[0]) >= MIN_TYPO_LENGTH


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Hit:
    """A matching talk, its score, the fields it matched in (best first) and the words to mark."""

    talks: Sequence[Talk] = field(repr=False, compare=False)
    position: int  # the talk's, in `talks`
    score: float
    fields: tuple[str, ...]
    marks: tuple[str, ...]

    @property
    def talk(self) -> Talk:
        # Looked up when shown: talks read from the cache are decoded on first use,
        # and a search shows 20 of its thousands of hits.
        return self.talks[self.position]


def search(talks: Sequence[Talk], query: Query | str | Sequence[str]) -> list[Hit]:
    """The talks matching every term of `query`, best first."""
    return Index(talks).search(query)


# -- queries ----------------------------------------------------------------


def parse_query(query: str | Sequence[str]) -> Query:
    """A query from one string, or from command-line words.

    A command-line word holding spaces (the shell's quotes) is a phrase;
    one holding `"` is read as query text itself.
    """
    parts = [query] if isinstance(query, str) else list(query)
    terms: list[Term] = []
    years: set[int] = set()
    for part in parts:
        tokens: list[tuple[str | None, str]]
        if isinstance(query, str) or '"' in part or not any(ch.isspace() for ch in part):
            tokens = _tokens(part)
        else:
            name, colon, rest = part.partition(":")
            if colon and name.isalpha() and name.isascii():
                tokens = [(name, rest)]
            else:
                tokens = [(None, part)]
        for prefix, text in tokens:
            _add_token(prefix, text, terms, years)
    if not terms and not years:
        raise UsageError('nothing to search for: give a word, a "phrase" or a field:word')
    return Query(tuple(terms), frozenset(years))


def _tokens(text: str) -> list[tuple[str | None, str]]:
    tokens: list[tuple[str | None, str]] = []
    for found in _TOKEN.finditer(text):
        prefix, phrase, word = found.groups()
        if phrase is None and word is None:
            continue
        tokens.append((prefix, phrase if phrase is not None else word))
    return tokens


def _add_token(prefix: str | None, text: str, terms: list[Term], years: set[int]) -> None:
    fields = FIELDS
    if prefix is not None:
        name = prefix.lower()
        if name == YEAR:
            years.add(_year(text))
            return
        if name in PREFIXES:
            fields = PREFIXES[name]
        else:
            import difflib

            close = difflib.get_close_matches(name, [*PREFIXES, YEAR], n=1, cutoff=0.75)
            if close:
                raise UsageError(
                    f"unknown field {prefix + ':'!r} in the query (did you mean {close[0] + ':'!r}?)",
                    hint='put the word in quotes to search for it as text: "' + prefix + ":" + text + '"',
                )
            text = f"{prefix}:{text}"
    words = tuple(WORD.findall(fold(text)))
    if words:
        anywhere = any(unicodedata.east_asian_width(ch) in "WF" for word in words for ch in word)
        terms.append(Term(words, fields, anywhere))


def _year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise UsageError(f"year:{text} is not a year; write it like year:2023")
    return int(text)


# -- matching -----------------------------------------------------------------


def _word_quality(text: str, word: str, whole: bool = False) -> float:
    """EXACT if `word` is a word of `text`, PREFIX if it only starts one, else 0."""
    found = 0.0
    at = text.find(word)
    size = len(word)
    while at != -1:
        if at == 0 or not text[at - 1].isalnum():
            end = at + size
            if end == len(text) or not text[end].isalnum():
                return EXACT
            if not whole:
                found = PREFIX
        at = text.find(word, at + 1)
    return found


def _quality(term: Term, text: str) -> float:
    """How well `term` matches a folded text, typos aside."""
    words = term.words
    if term.anywhere:
        return EXACT if all(word in text for word in words) else 0.0
    if len(words) == 1:
        return _word_quality(text, words[0])
    if not all(word in text for word in words[1:]):
        return 0.0
    found = 0.0
    for match in _phrase_pattern(words).finditer(text):
        at, end = match.span()
        if at == 0 or not text[at - 1].isalnum():
            if end == len(text) or not text[end].isalnum():
                return EXACT
            found = PREFIX
    return found


@functools.lru_cache(maxsize=64)
def _phrase_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern per phrase (not per talk): its words with only separators between."""
    return re.compile(r"[\W_]+".join(map(re.escape, words)))


# -- typos --------------------------------------------------------------------


@dataclass(frozen=True)
class Typo:
    """A text to look for instead of a mistyped word: a whole word, or the start of one."""

    text: str
    whole: bool


def _near(word: str, other: str) -> int:
    """The length of a prefix of `other` one edit (or one swap of neighbours) from `word`; 0 if none."""
    size = len(word)
    limit = min(size, len(other))
    at = 0
    while at < limit and word[at] == other[at]:
        at += 1
    if at == size:
        return size
    if len(other) >= size and other[at + 1 : size] == word[at + 1 :]:
        return size  # one letter replaced
    if (
        at + 1 < size
        and len(other) >= size
        and other[at] == word[at + 1]
        and other[at + 1] == word[at]
        and other[at + 2 : size] == word[at + 2 :]
    ):
        return size  # two neighbours swapped
    if len(other) >= size - 1 and other[at : size - 1] == word[at + 1 :]:
        return size - 1  # one letter left out
    if len(other) >= size + 1 and other[at + 1 : size + 1] == word[at:]:
        return size + 1  # one letter added
    return 0


def near_words(word: str, words: Iterable[str] = (), starts: Iterable[str] = ()) -> list[Typo]:
    """What `word` with one typo looks like among `words` (whole words) and `starts` (word starts).

    A word one edit from `word` matches; so does a word whose first letters
    are one edit from it, when those are five letters or more (`reprodicib`
    finds `reproducible`, but `parse` does not find `parent`). As people
    rarely miss the first letter, it must be right (or swapped with the
    second: `ypthon` finds `python`). Anything
    `word` itself starts is left out, and so is a result that a shorter one
    covers.
    """
    found: dict[str, bool] = {}
    for other, known_whole in itertools.chain(zip(words, itertools.repeat(True)), zip(starts, itertools.repeat(False))):
        length = _near(word, other)
        if not length or other.startswith(word):
            continue
        if other[0] != word[0] and other[:2] != word[1::-1]:
            continue  # the first letter is right, or swapped with the second
        if length >= MIN_TYPO_LENGTH:
            found[other[:length]] = False
        elif known_whole and length == len(other):
            found.setdefault(other, True)
    kept: list[Typo] = []
    for text in sorted(found, key=lambda t: (len(t), t)):
        if not any(not k.whole and text.startswith(k.text) for k in kept):
            kept.append(Typo(text, found[text]))
    return kept


def _candidate_patterns(word: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns that find, fast, every word that may be one edit from `word`.

    One edit leaves either the first half of `word` untouched, found as a
    literal in the text (the rest of its word follows), or everything after
    its middle letter, found as a literal in the reversed text, where the
    word's start must come within one letter of where it was. Both patterns
    begin with a literal, which `re` scans for quickly; `_near` then checks
    what they find.
    """
    size = len(word)
    half = size // 2
    head, tail = word[:half], word[half + 1 :]
    forward = re.compile(re.escape(head) + r"[^\W_]*")
    backward = re.compile(re.escape(tail[::-1]) + rf"[^\W_]{{{half},{half + 2}}}(?![^\W_])")
    return forward, backward


def _searchable(text: str) -> str:
    """`text` folded, for matching, with a space for each character of another plane
    that is no letter.

    One character beyond the Basic Multilingual Plane (an emoji, mostly) makes
    Python store its whole string with 4 bytes a character, not 2 (or 1): in a
    column of 13 million characters that doubles what the cache loads and what
    a search scans. Such a character only separates words, as a space does.
    """
    text = fold(text)
    if not text.isascii():
        astral, astral_non_word = _astral()
        if astral.search(text):
            text = astral_non_word.sub(" ", text)
    return text


@functools.cache
def _astral() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled when first needed (a few ms): a search from the cache never needs them.
    return re.compile("[\U00010000-\U0010ffff]"), re.compile(r"[^\w\x00-\uffff]")


def _raw(talk: Talk, field: str) -> str:
    value = getattr(talk, field)
    if isinstance(value, tuple):
        return "\n".join(value)
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class _Joined:
    """Some talks' folded texts of one field in one string, for scanning them all at once."""

    text: str
    starts: list[int]  # where each talk's text begins (each but the last ends in a "\x00")
    among: Sequence[int]  # which talk each is

    @classmethod
    def of(cls, texts: Sequence[str], among: Sequence[int]) -> _Joined:
        starts = [0, *itertools.accumulate(len(text) + 1 for text in texts)][:-1]
        return cls("\x00".join(texts), starts, among)

    def text_of(self, position: int) -> str:
        """The text of the talk at `position` (in `among`'s order)."""
        end = self.starts[position + 1] - 1 if position + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[position] : end]

    def talks_containing(self, word: str) -> list[int]:
        """The talks whose text contains `word` (which holds no "\x00")."""
        text, starts = self.text, self.starts
        found: list[int] = []
        at = text.find(word)
        while at != -1:
            position = bisect.bisect_right(starts, at) - 1
            found.append(self.among[position])
            if position + 1 >= len(starts):
                break
            at = text.find(word, starts[position + 1])  # one find per talk is enough
        return found

    def talks_with(self, typos: Sequence[Typo]) -> set[int]:
        """The talks where a word is (or starts with) one of `typos`."""
        text, starts = self.text, self.starts
        # One pattern for all: `re` scans for an alternation of literals fast.
        pattern = re.compile("|".join(re.escape(t.text) for t in sorted(typos, key=lambda t: -len(t.text))))
        whole = {t.text for t in typos if t.whole}
        found: set[int] = set()
        at = 0
        while True:
            match = pattern.search(text, at)
            if match is None:
                return found
            start, end = match.span()
            position = bisect.bisect_right(starts, start) - 1
            if (start == 0 or not text[start - 1].isalnum()) and not (
                match.group() in whole and end < len(text) and text[end].isalnum()
            ):
                found.add(self.among[position])
                if position + 1 >= len(starts):
                    return found
                at = starts[position + 1]  # one match per talk is enough
            else:
                at = start + 1


# Per field, every talk's folded text in one string and where each begins; per
# field, its vocabulary. What an Index works out from its talks' text, as plain
# data that a cache can keep.
Columns = dict[str, tuple[str, list[int]]]
Prepared = tuple[Columns, dict[str, str]]


def prepare(talks: Sequence[Talk]) -> Prepared:
    """Everything an Index of `talks` derives from their text, for `Index(talks, *prepared)`."""
    index = Index(talks)
    columns = {f: (index.column(f).text, index.column(f).starts) for f in FIELDS}
    return columns, {f: index.vocabulary(f) for f in FIELDS}


def pick(columns: Columns, positions: Sequence[int]) -> Columns:
    """The columns of `prepare` for some of its talks, by their positions."""
    out: Columns = {}
    for name, (text, starts) in columns.items():
        whole = _Joined(text, starts, range(len(starts)))
        part = _Joined.of([whole.text_of(i) for i in positions], range(len(positions)))
        out[name] = (part.text, part.starts)
    return out


class Index:
    """Talks ready to search: each field folded once, on first use.

    `columns` and `vocabularies` (see `prepare`) may come ready-made, e.g.
    from a cache: folding 20,000 talks takes longer than searching them.
    """

    def __init__(
        self,
        talks: Sequence[Talk],
        columns: Mapping[str, tuple[str, list[int]]] | None = None,
        vocabularies: Mapping[str, str] | None = None,
        dates: Sequence[int] | None = None,
    ) -> None:
        self.talks = talks  # not a copy: talks from the cache stay undecoded until shown
        every = range(len(self.talks))
        self._columns = {field: _Joined(text, starts, every) for field, (text, starts) in (columns or {}).items()}
        self._vocabularies: dict[str, str] = dict(vocabularies or {})
        self._dates = dates

    def dates(self) -> Sequence[int]:
        """Each talk's date as `date.toordinal()`: what ranking and `year:` look at."""
        if self._dates is None:
            self._dates = [talk.date.toordinal() for talk in self.talks]
        return self._dates

    def column(self, field: str) -> _Joined:
        """Every talk's folded text of `field`."""
        column = self._columns.get(field)
        if column is None:
            texts = [_searchable(_raw(talk, field)) for talk in self.talks]
            column = self._columns[field] = _Joined.of(texts, range(len(self.talks)))
        return column

    def vocabulary(self, field: str) -> str:
        """The field's distinct words in all the talks, one a line.

        Typo candidates are found by scanning text for pieces of a word, and
        what such a scan finds inside one word depends on that word alone: so
        scanning each distinct word once finds what scanning every talk would,
        in a tenth of the text.
        """
        vocabulary = self._vocabularies.get(field)
        if vocabulary is None:
            words = WORD.findall(self.column(field).text)
            vocabulary = self._vocabularies[field] = "\n".join(sorted(set(words)))
        return vocabulary

    def joined(self, field: str, among: Sequence[int]) -> _Joined:
        column = self.column(field)
        if len(among) == len(self.talks):
            return column
        return _Joined.of([column.text_of(i) for i in among], among)

    def typos(self, word: str, fields: Sequence[str], among: Sequence[int]) -> list[Typo]:
        """What `word` with one typo looks like in these talks (see `near_words`)."""
        forward, backward = _candidate_patterns(word)
        words: set[str] = set()
        starts: set[str] = set()
        every = len(among) == len(self.talks)
        for name in fields:
            text = self.vocabulary(name) if every else self.joined(name, among).text
            words.update(forward.findall(text))
            starts.update(found[::-1] for found in backward.findall(text[::-1]))
        return near_words(word, words, starts)

    def search(self, query: Query | str | Sequence[str]) -> list[Hit]:
        if not isinstance(query, Query):
            query = parse_query(query)
        talks, dates = self.talks, self.dates()
        if query.years:
            among = [i for i, day in enumerate(dates) if datetime.date.fromordinal(day).year in query.years]
        else:
            among = list(range(len(talks)))
        # Filled in for the talks that match, not made for every talk searched.
        scores: dict[int, float] = collections.defaultdict(float)
        fields: dict[int, set[str]] = collections.defaultdict(set)
        marks: list[str] = []
        # Cheap, selective terms first: a typo-tolerant term then scans fewer talks.
        for term in sorted(query.terms, key=lambda t: (t.forgiving, -sum(map(len, t.words)))):
            if not among:
                break
            typos = self.typos(term.words[0], term.fields, among) if term.forgiving else []
            marks += [*term.words, *(typo.text for typo in typos)]
            among = self._match(term, typos, among, scores, fields)
        ranked = sorted(among, key=lambda i: (-scores[i], -dates[i], i))
        marked = tuple(dict.fromkeys(marks))
        return [Hit(talks, i, round(scores[i], 3), _in_order(fields[i]), marked) for i in ranked]

    def _match(
        self,
        term: Term,
        typos: list[Typo],
        among: list[int],
        scores: dict[int, float],
        fields: dict[int, set[str]],
    ) -> list[int]:
        """The talks of `among` that `term` matches; their scores and fields updated."""
        best: dict[int, float] = {}
        first = term.words[0]
        # Only talks whose text holds the first word (or a typo of it) can match:
        # found in the field's one string rather than asked of every talk.
        kept = None if len(among) == len(self.talks) else set(among)
        for name in term.fields:
            weight = WEIGHTS[name]
            column = self.column(name)
            typo_talks = self.joined(name, among).talks_with(typos) if typos else set()
            qualities = dict.fromkeys(typo_talks, TYPO)
            for i in column.talks_containing(first):
                if kept is None or i in kept:
                    quality = _quality(term, column.text_of(i))
                    if quality:
                        qualities[i] = quality
            for i, quality in qualities.items():
                fields[i].add(name)
                if quality * weight > best.get(i, 0.0):
                    best[i] = quality * weight
        for i, score in best.items():
            scores[i] += score
        return [i for i in among if i in best]


def _in_order(fields: set[str]) -> tuple[str, ...]:
    """Fields in FIELDS' order (best first): one sorted tuple per combination, not per hit."""
    return _sorted_fields(frozenset(fields))


@functools.cache
def _sorted_fields(fields: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in FIELDS if name in fields)


# -- showing hits ---------------------------------------------------------------


def marked_spans(text: str, marks: Sequence[str]) -> list[tuple[int, int]]:
    """Where in `text` (as written) the words that `marks` start are."""
    if not marks:
        return []
    spans = []
    for found in WORD.finditer(text):
        word = fold(found.group())
        if any(word.startswith(mark) or (len(mark) > 1 and mark in word and not mark.isascii()) for mark in marks):
            spans.append(found.span())
    return spans


def excerpt(text: str, marks: Sequence[str], width: int = 60) -> str:
    """A one-line piece of `text` around its first marked word."""
    flat = " ".join(text.split())
    spans = marked_spans(flat, marks)
    if not spans:
        return flat[:width] + ("…" if len(flat) > width else "")
    at, end = spans[0]
    start = max(0, min(at - width // 3, len(flat) - width))
    if start > 0:
        space = flat.find(" ", start, at)
        start = space + 1 if space != -1 else start
    stop = max(end, start + width)
    if stop < len(flat):
        space = flat.rfind(" ", end, stop)
        stop = space if space != -1 else stop
    piece = flat[start:stop]
    return ("…" if start > 0 else "") + piece + ("…" if stop < len(flat) else "")
