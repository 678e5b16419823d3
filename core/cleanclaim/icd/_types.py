"""Value types shared by the dataset, the registry and the command line.

They are frozen, slotted dataclasses: a rule may keep a `CodeInfo` in an index that
is shared between threads, and nothing downstream should be able to mutate the reference
data it was handed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

from cleanclaim.codes import CodeRange, undotted
from cleanclaim.codes import normalize_code as normalize_code  # `cleanclaim.icd` offers it


class NoDatasetError(LookupError):
    """No packaged or installed dataset serves the requested date or fiscal year.

    Raised instead of falling back to another year: a code valid in FY2021 may be invalid
    in FY2023, so a silent fallback would produce wrong findings that look right.
    ``missing`` names the release that governs the date and is not installed (``"the April
    2023 update"``), when one is known, so that a fallback warning can repeat it.

    :param message: what is missing, for the user.
    :param missing: the release that governs the date and is not installed, if known.
    """

    def __init__(self, message: str, missing: str | None = None) -> None:
        super().__init__(message)
        self.missing = missing


class DatasetIntegrityError(RuntimeError):
    """A packaged data file is missing or its bytes differ from the manifest."""


@dataclass(frozen=True, slots=True)
class Qualifier:
    """The words that narrow a reference: "(S62.- with 7th character B)".

    ``position`` is a character position of the code written without its dot (1 = the
    letter, 7 = the 7th character) or ``"final"``: the character that ends the code once
    its 7th character and any placeholder X are set aside ("with fifth or sixth character
    1-4": T36.0X1A, T51.91XA).  A code matches when, from that position on, it begins with
    one of ``values``.  A qualifier the builder could not read (``readable`` false, e.g.
    "B27.0-B27.9 with 1") matches every code of its range: a reader that reports on it
    must say the qualifier was not read (ICD104 does so as a warning).

    :param text: the qualifying words as CMS wrote them.
    :param position: the character position the values are read at, ``"final"``, or None when the
        words could not be read.
    :param values: the characters that match at that position.
    """

    text: str
    position: int | Literal["final"] | None = None
    values: tuple[str, ...] = ()

    @property
    def readable(self) -> bool:
        return self.position is not None

    def matches(self, code: str) -> bool:
        """Whether ``code`` (dotted or not) has the characters the qualifier names.

        :param code: an ICD-10-CM code.
        """
        if self.position is None:
            return True
        flat = undotted(code)
        if self.position == "final":
            stem = (flat[:6] if len(flat) == 7 else flat).rstrip("X")
            return stem[-1:] in self.values
        tail = flat[self.position - 1 :]
        return any(tail.startswith(v) for v in self.values)


@dataclass(frozen=True, slots=True)
class CodeRef:
    """One code or range named in a note: ``M51.2-``, ``S30-S39``, ``R10.2``, perhaps
    narrowed by a `Qualifier` (``S62.- with 7th character B``).

    ``descendants`` records the dash ("and all below").  `covers()` treats every
    reference hierarchically, because a note that names a header applies to the codes
    below it -- a reference without a dash that points at a header (older notes still say
    "(M54.5)" after M54.5 was split) would otherwise cover nothing billable.

    :param start: the code, or the first code of the range.
    :param end: the last code of a range (None: one code).
    :param descendants: the reference has a dash: the code "and all below".
    :param qualifier: the words that narrow it, if any.
    """

    start: str
    end: str | None = None
    descendants: bool = False
    qualifier: Qualifier | None = None
    #: the codes it names, as one `cleanclaim.codes.CodeRange` (what a pairing's pattern is).
    range: CodeRange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "range", CodeRange.between(self.start, self.end))

    def covers(self, code: str) -> bool:
        """Whether the reference names ``code``: it or a code above it is in the range,
        and the qualifier (if any) matches.

        :param code: an ICD-10-CM code, dotted or not.
        """
        c = normalize_code(code)
        return self.range.covers(c) and (self.qualifier is None or self.qualifier.matches(c))

    @property
    def readable(self) -> bool:
        """False when the note qualifies this reference in words the builder could not read."""
        return self.qualifier is None or self.qualifier.readable

    def __str__(self) -> str:
        if self.end is not None:
            text = f"{self.start}-{self.end}"
        elif self.descendants:
            text = f"{self.start}.-" if len(self.start) == 3 else f"{self.start}-"
        else:
            text = self.start
        return f"{text} {self.qualifier.text}" if self.qualifier is not None else text


@dataclass(frozen=True, slots=True)
class Note:
    """A note's text as CMS wrote it, with the code references parsed out of it.

    ``conditional`` (code-first notes only): the note asks for its condition only when
    there is one ("code first, if applicable, any causal condition"), so the code may be
    first-listed when there is none.

    :param text: the note as CMS wrote it.
    :param refs: the code references parsed from it.
    :param conditional: a code-first note that asks for its condition only if there is one.
    """

    text: str
    refs: tuple[CodeRef, ...] = ()
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """What a manifest says about one dataset; reading it loads no code data.

    ``provisional`` holds the manifest's reason when the dataset is not a full CMS release
    (FY2027 built from the order-file addenda: its notes are the year before's);
    ``verified`` is false for a file added with ``--allow-unverified``; ``origin`` is
    ``"packaged"`` (shipped in cleanclaim-refdata) or ``"installed"`` (added with
    ``cleanclaim datasets add`` to ``location``).

    :param name: the dataset's name (``icd10cm-fy2026-april``).
    :param system: the code system (``ICD-10-CM``).
    :param fiscal_year: the fiscal year of the release.
    :param release: the CMS release (``2026-April``).
    :param release_date: when CMS published it.
    :param effective_from: the first date of service the release is in force for.
    :param effective_to: the last date of service it is in force for.
    :param serves_from: the first date of service it judges (a later release may take over inside
        its fiscal year).
    :param serves_to: the last date of service it judges.
    :param note: what the manifest says about it.
    :param counts: codes, billable codes and notes in it, by kind.
    :param sha256: the digest of its code table.
    :param source_file: the CMS file it was built from.
    :param source_sha256: that file's digest.
    :param files: its data files with their digests.
    :param provisional: why it is not a full CMS release (None: it is one).
    :param verified: false for a file added with ``--allow-unverified``.
    :param origin: ``packaged`` or ``installed``.
    :param location: the folder an installed dataset was added to.
    """

    name: str
    system: str
    fiscal_year: int
    release: str
    release_date: date
    effective_from: date
    effective_to: date
    serves_from: date
    serves_to: date
    note: str
    counts: Mapping[str, int]
    sha256: str
    source_file: str
    source_sha256: str
    files: Mapping[str, str] = field(default_factory=dict)
    provisional: str | None = None
    verified: bool = True
    origin: str = "packaged"
    location: str = ""

    def __post_init__(self) -> None:
        # read-only, so that a rule holding ``ctx.dataset.info`` cannot change the figures
        # or the file digests the next claim's dataset is read and reported with.
        for name in ("counts", "files"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))

    def serves(self, d: date) -> bool:
        """Whether the dataset judges claims with date of service ``d``.

        :param d: a date of service.
        """
        return self.serves_from <= d <= self.serves_to

    @property
    def installed(self) -> bool:
        return self.origin == "installed"

    @property
    def marks(self) -> str:
        """`` (provisional)``, `` (unverified)``, both or nothing: what a one-line label of
        the dataset must never leave out."""
        out = " (provisional)" if self.provisional else ""
        return out + ("" if self.verified else " (unverified)")


@dataclass(frozen=True, slots=True)
class KnownRelease:
    """One ICD-10-CM release CMS is known to have issued (``releases.toml`` of refdata).

    The registry uses these to refuse a date whose code set nobody here has: the April 2023
    update added 42 codes, so the October 2022 release must not judge a June 2023 claim.

    :param release: the release's name (``2023-April``).
    :param fiscal_year: the fiscal year it belongs to.
    :param april: it is an April (or other mid-year) update.
    :param effective: the first date of service it is in force for.
    :param changes_code_set: it adds, deletes or changes codes (not only notes).
    :param summary: what changed, in a line.
    :param source: the CMS page that announced it.
    """

    release: str
    fiscal_year: int
    april: bool
    effective: date
    changes_code_set: bool
    summary: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """How a message names it: ``the April 2023 update``, ``the January 2021 update``,
        ``the FY2024 release of October 2023``."""
        if self.april or self.effective.month != 10:
            return f"the {self.effective:%B} {self.effective.year} update"
        return f"the FY{self.fiscal_year} release of October {self.fiscal_year - 1}"

    @property
    def short_summary(self) -> str:
        """The summary without its closing parenthesis of examples."""
        return self.summary.split(" (", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """Everything a coder reads about one code in one fiscal year.

    Note lists hold the code's *own* notes; notes inherited from ancestors, the block and
    the chapter are resolved by `Dataset.excludes1()` / ``excludes2``.

    :param code: the code, dotted.
    :param description: its CMS description.
    :param billable: it may be reported (a leaf of the tabular list).
    :param parent: the code above it (None for a category).
    :param ancestors: every code above it, nearest first.
    :param chapter: its chapter's number and title.
    :param block: its block's range and title.
    :param inclusion_terms: its inclusion terms.
    :param includes: its Includes notes.
    :param excludes1: its own Excludes1 notes.
    :param excludes2: its own Excludes2 notes.
    :param code_first: its Code first notes.
    :param use_additional: its Use additional code notes.
    :param code_also: its Code also notes.
    :param notes: any other notes.
    :param seventh_characters: the 7th characters it takes, with their meanings.
    :param requires_seventh: it is billable only with a 7th character.
    """

    code: str
    description: str
    billable: bool
    parent: str | None
    ancestors: tuple[str, ...]
    chapter: tuple[int, str]
    block: tuple[str, str]
    inclusion_terms: tuple[Note, ...] = ()
    includes: tuple[Note, ...] = ()
    excludes1: tuple[Note, ...] = ()
    excludes2: tuple[Note, ...] = ()
    code_first: tuple[Note, ...] = ()
    use_additional: tuple[Note, ...] = ()
    code_also: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()
    seventh_characters: Mapping[str, str] = field(default_factory=dict)
    requires_seventh: bool = False

    def __post_init__(self) -> None:
        # shared reference data: a plain dict handed in is made read-only (the dataset
        # already hands in read-only mappings, so this costs nothing on its path)
        if type(self.seventh_characters) is dict:
            object.__setattr__(
                self, "seventh_characters", MappingProxyType(self.seventh_characters)
            )


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One answer of [`Dataset.search()`][cleanclaim.icd.Dataset.search].

    :param code: the code found.
    :param description: its description.
    :param score: how well it matched (higher is better).
    :param matched_term: the description or inclusion term the words matched.
    """

    code: str
    description: str
    score: float
    matched_term: str


@dataclass(frozen=True, slots=True)
class DatasetDiff:
    """Differences from fiscal year ``a`` to ``b`` (codes sorted in every list).

    :param from_name: the earlier dataset's name.
    :param to_name: the later one's.
    :param added: codes only the later one has.
    :param deleted: codes only the earlier one has.
    :param renamed: (code, old description, new description) of codes whose description changed.
    :param billable_changed: (code, billable before, billable after) of codes whose billable status
        changed.
    """

    from_name: str
    to_name: str
    added: tuple[str, ...]
    deleted: tuple[str, ...]
    renamed: tuple[tuple[str, str, str], ...]
    billable_changed: tuple[tuple[str, bool, bool], ...]
