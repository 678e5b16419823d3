"""One fiscal year of ICD-10-CM, loaded lazily from the compiled columnar files.

Layout (written by ``cleanclaim_refdata.builder``): ``codes.json`` holds parallel lists --
sorted dotted codes, descriptions, parent indexes, one flag character per code (``H``
header, ``B`` billable leaf, ``S`` stem that needs a 7th character) -- plus the 7th
character tables.  The ~50,000 expanded 7-character codes are *not* stored: a stem and its
allowed characters stand for them, which halves the load time.  ``notes.json`` (inclusion
terms, excludes, code first, ...) is read only when a look-up or search first needs it,
and each code's notes are decoded on their first use: in format 2 they are a JSON text
per code, because decoding all ~10,000 codes' notes costs a fiscal year's first load
three times what reading the texts does (a claim names a handful of codes).

Reading is thread-safe: the loaded structures are never mutated after publication, and
each lazy step is guarded by a lock so two threads never build it twice.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any, Final

from cleanclaim import collector, deadline

try:  # the [fast] extra: a fiscal year's first load decodes its data files some 3x faster
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - the standard library gives the same objects
    from json import loads as _loads  # type: ignore[assignment]
from cleanclaim.codes import normalize_code, pad_stem
from cleanclaim.icd._types import (
    CodeInfo,
    CodeRef,
    DatasetInfo,
    DatasetIntegrityError,
    Note,
    Qualifier,
    SearchHit,
)

_NOTE_FIELDS: Final = (
    "inclusion_terms",
    "includes",
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional",
    "code_also",
    "notes",
)
_WORD = re.compile(r"[a-z0-9]+")
_CODE_QUERY = re.compile(r"^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{0,4})?$")
#: the 7th characters of a code that takes none (shared: a read-only mapping).
_NO_SEVENTH: Final[Mapping[str, str]] = MappingProxyType({})
_STOP: Final = frozenset({"of", "the", "and", "or", "in", "with", "to", "a", "an", "for", "by"})


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


@dataclass(frozen=True, slots=True)
class _Core:
    codes: list[str]
    desc: list[str]
    flags: str
    parent: list[int]
    index: dict[str, int]
    stems: list[int]  # indexes of the codes that take a 7th character ...
    stem_chars: list[str]  # ... and the 7th characters each allows
    seventh_defs: list[dict[str, str]]
    seventh_def: dict[str, int]
    chapters: list[tuple[int, str]]
    blocks: list[tuple[str, str, int]]
    categories: dict[str, int]


_RawNotes = dict[str, list[list[Any]]]
#: the notes of a code that has none (shared, never written to).
_NO_NOTES: Final[_RawNotes] = {}


@dataclass(frozen=True, slots=True)
class _Notes:
    """Notes as ``json.loads`` produced them; turned into :class:`Note` objects per code on
    demand, because converting all ~50,000 up front would cost more than loading them.

    ``codes`` holds each code's notes as its JSON text (format 2) or, in a dataset built
    before it, as the decoded object (format 1); `of` answers the same for both.
    """

    codes: dict[str, str | _RawNotes]
    blocks: dict[str, _RawNotes]
    chapters: dict[str, _RawNotes]
    manifestations: frozenset[str]
    #: the codes' notes decoded so far (a dict's setdefault is atomic: threads agree).
    decoded: dict[str, _RawNotes]

    def of(self, code: str) -> _RawNotes:
        """The notes printed at the stored code ``code`` (none: an empty mapping)."""
        found = self.decoded.get(code)
        if found is not None:
            return found
        raw = self.codes.get(code)
        if raw is None:
            return _NO_NOTES
        return self.decoded.setdefault(code, _loads(raw) if isinstance(raw, str) else raw)


@dataclass(frozen=True, slots=True)
class _SearchIndex:
    vocab: list[str]  # sorted words, for prefix matching
    postings: dict[str, tuple[int, ...]]  # word -> indexes of stored codes
    terms: dict[int, tuple[str, ...]]  # code index -> inclusion terms (for matched_term)


def _qualifier(raw: dict[str, Any]) -> Qualifier:
    return Qualifier(raw["text"], raw.get("at"), tuple(raw.get("values", ())))


def _ref(r: list[Any]) -> CodeRef:
    """``[start, end, descendants]``, with a qualifier object as a 4th element when the note
    narrows the reference (see ``cleanclaim_refdata.notes``)."""
    return CodeRef(r[0], r[1], bool(r[2]), _qualifier(r[3]) if len(r) > 3 else None)


def _to_notes(items: list[list[Any]]) -> tuple[Note, ...]:
    """``[text, refs]`` or ``[text, refs, {"conditional": true}]`` entries as notes."""
    return tuple(
        Note(
            item[0],
            tuple(_ref(r) for r in item[1]),
            len(item) > 2 and bool(item[2].get("conditional")),
        )
        for item in items
    )


class Dataset:
    """A fiscal year's codes; nothing is read from disk until the first query."""

    def __init__(self, info: DatasetInfo, directory: Traversable) -> None:
        """
        :param info: the dataset's manifest entry.
        :param directory: the folder holding its data files (read lazily).
        """
        self.info: Final = info
        self._dir = directory
        self._lock = threading.RLock()  # lazy steps build on one another
        self._core: _Core | None = None
        self._notes: _Notes | None = None
        self._children: dict[int, list[int]] | None = None
        self._stem7: dict[str, tuple[int, str]] | None = None
        self._search: _SearchIndex | None = None
        self._all_codes: tuple[list[str], list[bool]] | None = None

    def __repr__(self) -> str:
        return f"<Dataset {self.info.name} (FY{self.info.fiscal_year} {self.info.release})>"

    # -- loading -------------------------------------------------------------------------

    def _read(self, name: str) -> bytes:
        expected = self.info.files.get(name)
        path = self._dir / name
        try:
            data = path.read_bytes()
        except (FileNotFoundError, OSError) as exc:
            raise DatasetIntegrityError(
                f"{self.info.name}: data file {name} is missing ({exc})"
            ) from exc
        if expected is None:
            raise DatasetIntegrityError(f"{self.info.name}: manifest lists no checksum for {name}")
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected:
            raise DatasetIntegrityError(
                f"{self.info.name}: data file {name} is corrupt "
                f"(sha256 {digest}, manifest says {expected})"
            )
        return data

    def _lazy(self, attr: str, build: Callable[[], Any]) -> Any:
        value = getattr(self, attr)
        if value is None:
            with self._lock:
                value = getattr(self, attr)
                if value is None:
                    # loading data is not the rule's time, nor a place for cycles
                    with deadline.paused(), collector.paused():
                        value = build()
                    setattr(self, attr, value)
        return value

    @property
    def _c(self) -> _Core:
        core = self._core
        if core is None:
            core = self._lazy("_core", self._load_core)
        return core

    def _load_core(self) -> _Core:
        doc = _loads(self._read("codes.json"))
        codes: list[str] = doc["codes"]
        stems: list[int] = doc["stems"]
        stem_chars: list[str] = doc["stem_chars"]
        return _Core(
            codes=codes,
            desc=doc["desc"],
            flags=doc["flags"],
            parent=doc["parent"],
            index=dict(zip(codes, range(len(codes)), strict=True)),
            stems=stems,
            stem_chars=stem_chars,
            seventh_defs=doc["seventh_defs"],
            seventh_def=doc["seventh_def"],
            chapters=[(int(n), t) for n, t in doc["chapters"]],
            blocks=[(b, t, int(c)) for b, t, c in doc["blocks"]],
            categories=doc["categories"],
        )

    def _load_notes(self) -> _Notes:
        doc = _loads(self._read("notes.json"))
        return _Notes(
            codes=doc["codes"],
            blocks=doc["blocks"],
            chapters=doc["chapters"],
            manifestations=frozenset(doc.get("manifestations", ())),
            decoded={},
        )

    @property
    def _n(self) -> _Notes:
        return self._lazy("_notes", self._load_notes)  # type: ignore[no-any-return]

    @property
    def _s7(self) -> dict[str, tuple[int, str]]:
        """Padded stem -> (index of the stem, the 7th characters it allows): built on the
        first 7-character code, since a year asked only about other codes (``cleanclaim
        code M62.830``, most claims) never needs it."""
        stem7 = self._stem7
        if stem7 is None:
            stem7 = self._lazy("_stem7", self._build_stem7)
        return stem7

    def _build_stem7(self) -> dict[str, tuple[int, str]]:
        c = self._c
        codes = c.codes
        return {pad_stem(codes[i]): (i, ch) for i, ch in zip(c.stems, c.stem_chars, strict=True)}

    def load(self) -> Dataset:
        """Load the code table now (it is otherwise loaded by the first query)."""
        self._c  # noqa: B018
        return self

    # -- resolution ----------------------------------------------------------------------

    def _resolve(self, code: str) -> tuple[int, str] | None:
        """``(index of stored code, "")`` or ``(index of stem, 7th char)``, or None."""
        c = self._c
        i = c.index.get(code)
        if i is None:
            code = normalize_code(code)
            i = c.index.get(code)
        if i is not None:
            return i, ""
        if len(code) == 8:
            hit = (self._stem7 or self._s7).get(code[:7])
            if hit is not None and code[7] in hit[1]:
                return hit[0], code[7]
        return None

    def is_valid(self, code: str) -> bool:
        """True for every code of this year, header or billable.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        return self._resolve(code) is not None

    def is_billable(self, code: str) -> bool:
        """The per-claim hot path: one or two dict look-ups.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        c = self._c
        i = c.index.get(code)
        if i is not None:
            return c.flags[i] == "B"
        if len(code) == 8:
            hit = (self._stem7 or self._s7).get(code[:7])  # the attribute: no call once built
            if hit is not None:
                return code[7] in hit[1]
        norm = normalize_code(code)
        return norm != code and self.is_billable(norm)

    def _expanded(self, stem: int, char: str) -> str:
        return pad_stem(self._c.codes[stem]) + char

    def _ext_desc(self, stem: int, char: str) -> str:
        c = self._c
        table = c.seventh_defs[c.seventh_def[c.codes[stem]]]
        return f"{c.desc[stem]}, {table[char]}"

    def _allowed(self, stem: int) -> Mapping[str, str]:
        c = self._c
        table = c.seventh_defs[c.seventh_def[c.codes[stem]]]
        chars = self._s7[pad_stem(c.codes[stem])][1]
        return MappingProxyType({ch: table[ch] for ch in chars})

    def _ancestors(self, i: int) -> list[int]:
        parent = self._c.parent
        out = []
        p = parent[i]
        while p >= 0:
            out.append(p)
            p = parent[p]
        return out

    def _hierarchy(self, code: str) -> tuple[tuple[int, str], tuple[str, str]]:
        c = self._c
        b = c.blocks[c.categories[code[:3]]]
        chapter = c.chapters[b[2]]
        return chapter, (b[0], b[1])

    def lookup(self, code: str) -> CodeInfo | None:
        """Everything about one code, or None when it is not a code of this year.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        hit = self._resolve(code)
        if hit is None:
            return None
        c = self._c
        i, char = hit
        if char:
            full = self._expanded(i, char)
            chapter, block = self._hierarchy(full)
            return CodeInfo(
                code=full,
                description=self._ext_desc(i, char),
                billable=True,
                parent=c.codes[i],
                ancestors=(c.codes[i], *(c.codes[a] for a in self._ancestors(i))),
                chapter=chapter,
                block=block,
                seventh_characters=self._allowed(i),
            )
        name = c.codes[i]
        notes = self._n.of(name)
        flag = c.flags[i]
        if flag == "S":
            seventh = self._allowed(i)
        elif name in c.seventh_def:
            seventh = MappingProxyType(dict(c.seventh_defs[c.seventh_def[name]]))
        else:
            seventh = _NO_SEVENTH
        chapter, block = self._hierarchy(name)
        p = c.parent[i]
        return CodeInfo(
            code=name,
            description=c.desc[i],
            billable=flag == "B",
            parent=c.codes[p] if p >= 0 else None,
            ancestors=tuple(c.codes[a] for a in self._ancestors(i)),
            chapter=chapter,
            block=block,
            seventh_characters=seventh,
            requires_seventh=flag == "S",
            **{k: _to_notes(notes.get(k, [])) for k in _NOTE_FIELDS},
        )

    def description(self, code: str) -> str | None:
        """
        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        hit = self._resolve(code)
        if hit is None:
            return None
        i, char = hit
        return self._ext_desc(i, char) if char else self._c.desc[i]

    # -- hierarchy -----------------------------------------------------------------------

    def _child_map(self) -> dict[int, list[int]]:
        def build() -> dict[int, list[int]]:
            out: dict[int, list[int]] = {}
            for i, p in enumerate(self._c.parent):
                if p >= 0:
                    out.setdefault(p, []).append(i)
            return out

        return self._lazy("_children", build)  # type: ignore[no-any-return]

    def children(self, code: str) -> tuple[str, ...]:
        """Direct children (for a stem: its 7-character codes), sorted.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        hit = self._resolve(code)
        if hit is None or hit[1]:
            return ()
        i = hit[0]
        c = self._c
        if c.flags[i] == "S":
            return tuple(self._expanded(i, ch) for ch in self._s7[pad_stem(c.codes[i])][1])
        return tuple(c.codes[k] for k in self._child_map().get(i, ()))

    def billable_descendants(self, code: str) -> tuple[str, ...]:
        """Every billable code at or below ``code`` -- what to suggest for a header.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        hit = self._resolve(code)
        if hit is None:
            return ()
        c = self._c
        i, char = hit
        if char:
            return (self._expanded(i, char),)
        out: list[str] = []
        stack = [i]
        kids = self._child_map()
        while stack:
            k = stack.pop()
            f = c.flags[k]
            if f == "B":
                out.append(c.codes[k])
            elif f == "S":
                chars = self._s7[pad_stem(c.codes[k])][1]
                out.extend(self._expanded(k, ch) for ch in chars)
            stack.extend(kids.get(k, ()))
        out.sort()
        return tuple(out)

    def codes(self, billable_only: bool = False) -> Iterator[str]:
        """All codes of the year in sorted dotted form, 7-character codes included.

        :param billable_only: only the codes that may be reported.
        """
        codes, billable = self._all()
        if billable_only:
            return (code for code, b in zip(codes, billable, strict=True) if b)
        return iter(codes)

    def _all(self) -> tuple[list[str], list[bool]]:
        def build() -> tuple[list[str], list[bool]]:
            c = self._c
            stem7 = self._s7
            pairs: list[tuple[str, bool]] = []
            for i, code in enumerate(c.codes):
                f = c.flags[i]
                pairs.append((code, f == "B"))
                if f == "S":
                    stem = pad_stem(code)
                    pairs.extend((stem + ch, True) for ch in stem7[stem][1])
            pairs.sort()
            return [p[0] for p in pairs], [p[1] for p in pairs]

        return self._lazy("_all_codes", build)  # type: ignore[no-any-return]

    # -- notes ---------------------------------------------------------------------------

    def _inherited(self, code: str, kind: str) -> list[CodeRef]:
        hit = self._resolve(code)
        if hit is None:
            return []
        c = self._c
        n = self._n
        i = hit[0]
        chain = [c.codes[i], *(c.codes[a] for a in self._ancestors(i))]
        b_idx = c.categories[chain[-1][:3]]
        block_id, _, ch_idx = c.blocks[b_idx]
        sources = [n.of(name) for name in chain]
        sources += [n.blocks.get(block_id, {}), n.chapters.get(str(c.chapters[ch_idx][0]), {})]
        refs: list[CodeRef] = []
        for raw in sources:
            for note in _to_notes(raw.get(kind, [])):
                refs.extend(note.refs)
        return list(dict.fromkeys(refs))

    def excludes1(self, code: str) -> list[CodeRef]:
        """Excludes1 refs that bind ``code``: its own, its ancestors', its block's and its
        chapter's -- a note applies to everything below the place it is printed.

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        return self._inherited(code, "excludes1")

    def excludes2(self, code: str) -> list[CodeRef]:
        """Excludes2 refs, inherited exactly as [`excludes1()`][cleanclaim.icd.Dataset.excludes1].

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        return self._inherited(code, "excludes2")

    def is_manifestation(self, code: str) -> bool:
        """True for a manifestation code (guideline I.A.13: its title, or its category's,
        says "in diseases classified elsewhere"), which is never first-listed.

        The builder lists them once per dataset; here it is one set look-up of the stored
        code (a 7-character code is judged by its stem, as its title is the stem's).

        :param code: an ICD-10-CM code, dotted or not, any case.
        """
        hit = self._resolve(code)
        return hit is not None and self._c.codes[hit[0]] in self._n.manifestations

    def block_notes(self, block_id: str) -> dict[str, tuple[Note, ...]]:
        """Notes printed under a block (section) heading such as ``M60-M63``.

        :param block_id: the block's range (``M60-M63``).
        """
        return {k: _to_notes(v) for k, v in self._n.blocks.get(block_id, {}).items()}

    def chapter_notes(self, chapter: int) -> dict[str, tuple[Note, ...]]:
        """Notes printed under a chapter heading.

        :param chapter: the chapter's number.
        """
        return {k: _to_notes(v) for k, v in self._n.chapters.get(str(chapter), {}).items()}

    # -- 7th characters ------------------------------------------------------------------

    def seventh_characters(self, code: str) -> Mapping[str, str]:
        """Valid 7th characters (with their meaning) for a stem such as ``S39.012``,
        ``T36.0X1`` or ``S13.4`` (also given padded: ``S13.4XX``); empty otherwise.

        :param code: a code stem that takes a 7th character (``S39.012``).
        """
        c = self._c
        norm = normalize_code(code)
        i = c.index.get(norm)
        if i is not None and c.flags[i] == "S":
            return self._allowed(i)
        if len(norm) == 7:
            hit = self._s7.get(norm)
            if hit is not None:
                return self._allowed(hit[0])
        return _NO_SEVENTH

    # -- search --------------------------------------------------------------------------

    def _search_index(self) -> _SearchIndex:
        def build() -> _SearchIndex:
            c = self._c
            n = self._n
            postings: dict[str, set[int]] = {}
            terms: dict[int, tuple[str, ...]] = {}
            for i, desc in enumerate(c.desc):
                words = set(_words(desc))
                name = c.codes[i]
                incl = n.of(name).get("inclusion_terms", [])
                if incl:
                    terms[i] = tuple(text for text, _ in incl)
                    for text in terms[i]:
                        words.update(_words(text))
                if c.flags[i] == "S":
                    for ext in self._allowed(i).values():
                        words.update(_words(ext))
                for w in words:
                    postings.setdefault(w, set()).add(i)
            return _SearchIndex(
                vocab=sorted(postings),
                postings={w: tuple(sorted(s)) for w, s in postings.items()},
                terms=terms,
            )

        return self._lazy("_search", build)  # type: ignore[no-any-return]

    def _matches(self, idx: _SearchIndex, token: str) -> dict[int, float]:
        """Codes containing ``token`` exactly (weight 1) or as a word prefix (0.6)."""
        out: dict[int, float] = dict.fromkeys(idx.postings.get(token, ()), 1.0)
        if len(token) >= 3:
            pos = bisect.bisect_left(idx.vocab, token)
            while pos < len(idx.vocab) and idx.vocab[pos].startswith(token):
                word = idx.vocab[pos]
                if word != token:
                    for i in idx.postings[word]:
                        out.setdefault(i, 0.6)
                pos += 1
        return out

    def _phrase_search(
        self, query: str, phrases: list[str], limit: int, hits: list[SearchHit], seen: set[str]
    ) -> list[SearchHit]:
        """A query naming a multi-word synonym ("pelvic floor spasm") searches each meaning.

        ICD-10-CM often has no single code for such a phrase; coders combine the codes of
        its meanings, so the best hit of every meaning comes first, then the query's own.
        """
        groups = [self.search(alt, limit) for alt in phrases] + [self.search(query, limit)]
        for rank in range(limit):
            for group in groups:
                if rank < len(group) and group[rank].code not in seen:
                    seen.add(group[rank].code)
                    hits.append(group[rank])
        return hits[:limit]

    def search(
        self,
        query: str,
        limit: int = 20,
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> list[SearchHit]:
        """Ranked codes for a query in a coder's words.

        A query shaped like a code (``m6283``, ``M62.8``) lists codes by prefix first.
        Otherwise every query word (or one of its synonyms) should appear in the
        description or an inclusion term; codes matching more words rank higher, then
        billable codes, then shorter descriptions (the more general wording).

        :param query: words of a description or inclusion term, or a code or code prefix.
        :param limit: the most hits returned.
        :param synonyms: words that may stand for a query word (plugins' ``synonyms``), by word.
        """
        c = self._c
        hits: list[SearchHit] = []
        seen: set[str] = set()
        compact = "".join(query.split()).upper()
        if _CODE_QUERY.match(compact):
            prefix = normalize_code(compact)
            if len(prefix) == 8 and self.is_valid(prefix):
                info = self.description(prefix) or ""
                hits.append(SearchHit(prefix, info, 100.0, prefix))
                seen.add(prefix)
            pos = bisect.bisect_left(c.codes, prefix)
            while pos < len(c.codes) and c.codes[pos].startswith(prefix) and len(hits) < limit:
                code = c.codes[pos]
                hits.append(SearchHit(code, c.desc[pos], 100.0 - len(code) / 10, code))
                seen.add(code)
                pos += 1
        if len(hits) >= limit:
            return hits[:limit]

        tokens = _words(query)
        if not tokens:
            return hits
        syn = {k.lower(): [s.lower() for s in v] for k, v in (synonyms or {}).items()}
        phrases = [
            alt
            for term, alts in syn.items()
            if len(_words(term)) > 1 and _contains(tokens, _words(term))
            for alt in alts
        ]
        if phrases:
            return self._phrase_search(query, phrases, limit, hits, seen)
        idx = self._search_index()
        groups: list[dict[int, float]] = []
        for tok in tokens:
            merged = self._matches(idx, tok)
            for alt in syn.get(tok, ()):
                for alt_tok in _words(alt):
                    for i, w in self._matches(idx, alt_tok).items():
                        if w * 0.9 > merged.get(i, 0.0):
                            merged[i] = w * 0.9
            groups.append(merged)
        scores: dict[int, float] = {}
        counts: dict[int, int] = {}
        for g in groups:
            for i, w in g.items():
                scores[i] = scores.get(i, 0.0) + w
                counts[i] = counts.get(i, 0) + 1
        need = max(1, (len(groups) + 1) // 2)
        ranked: list[tuple[float, str, int]] = []
        qwords = set(tokens)
        for i, s in scores.items():
            if counts[i] < need:
                continue
            desc_words = set(_words(c.desc[i]))
            in_desc = sum(1 for t in tokens if t in desc_words)
            score = 10.0 * s / len(groups) + (2.0 if in_desc == len(tokens) else 0.0)
            score += 1.0 if c.flags[i] in "BS" else 0.0
            score -= len(c.desc[i]) / 200
            ranked.append((-score, c.codes[i], i))
        ranked.sort()
        for neg, code, i in ranked:
            if len(hits) >= limit:
                break
            desc = c.desc[i]
            matched = desc
            terms = idx.terms.get(i, ())
            if not qwords.issubset(set(_words(desc))):
                for t in terms:
                    if qwords & set(_words(t)):
                        matched = t
                        break
            if c.flags[i] == "S":
                best = ""
                best_overlap = 0
                for ch, ext in self._allowed(i).items():
                    overlap = len(qwords & set(_words(ext)))
                    if overlap > best_overlap:
                        best, best_overlap = ch, overlap
                if best:
                    code = self._expanded(i, best)
                    desc = self._ext_desc(i, best)
            if code in seen:
                continue
            seen.add(code)
            hits.append(SearchHit(code, desc, round(-neg, 3), matched))
        return hits


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    """True when ``phrase`` occurs in ``tokens`` as consecutive words."""
    size = len(phrase)
    return any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))
