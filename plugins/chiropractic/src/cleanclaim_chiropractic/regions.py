"""Spinal regions: which diagnoses name which region, and which CMT level fits a count.

The tables come from ``data/regions.toml`` and are loaded once per process.  The helpers
here answer the two questions the region rules ask of a claim:

* which spinal regions does a CMT line *support*, from the claim's M99.0- codes
  (diagnosed) and ``documentation.spinal_regions`` (documented); and
* which region(s) does any other diagnosis name (M54.2 cervical, M54.50 lumbar ...).

How diagnosed and documented regions combine is the ``region_source`` option of DC104:

``both`` (default)
    the regions that are both diagnosed and documented; when only one of the two is
    given (no M99.01-M99.05 on the claim, or no regions in the note) that one is used.
``diagnosed`` / ``documented``
    only that source.
``either``
    the union of the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.rulekit import read_data

PACKAGE = "cleanclaim_chiropractic"
#: how diagnosed and documented regions combine (DC104 and DC108's ``region_source``).
RegionSource = Literal["both", "diagnosed", "documented", "either"]
REGION_SOURCES: tuple[str, ...] = get_args(RegionSource)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionRecord(_Record):
    name: str
    kind: Literal["spinal", "extraspinal"]
    subluxation: str


class LevelRecord(_Record):
    procedure: str
    min_regions: int = Field(ge=1)
    max_regions: int = Field(ge=1)


class DiagnosisRegionRecord(_Record):
    regions: tuple[str, ...]
    diagnoses: tuple[str, ...]


class RegionFile(_Record):
    region: tuple[RegionRecord, ...]
    level: tuple[LevelRecord, ...]
    diagnosis_region: tuple[DiagnosisRegionRecord, ...]


@dataclass(frozen=True)
class RegionTables:
    """The compiled region data (see module docstring)."""

    regions: tuple[RegionRecord, ...]
    levels: Mapping[str, tuple[int, int]]
    diagnosis_regions: tuple[tuple[DiagnosisPattern, frozenset[str]], ...]
    #: regions_of answers per (code, extra patterns): the same codes recur claim after claim.
    _memo: dict[Any, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def spinal_order(self) -> tuple[str, ...]:
        """The five CMT spinal regions, head to pelvis."""
        return tuple(r.name for r in self.regions if r.kind == "spinal")

    @cached_property
    def _by_subluxation(self) -> Mapping[str, RegionRecord]:
        found: dict[str, RegionRecord] = {}
        for region in self.regions:  # the first region naming a code wins, as in the file
            found.setdefault(region.subluxation, region)
        return found

    def subluxation_region(self, code: str) -> RegionRecord | None:
        """The region an M99.0- code names (``M99.03`` -> lumbar), or None."""
        return self._by_subluxation.get(code)

    def is_subluxation(self, code: str) -> bool:
        return self.subluxation_region(code) is not None

    def regions_of(
        self,
        code: str,
        extra: Sequence[tuple[DiagnosisPattern, frozenset[str]]] = (),
    ) -> frozenset[str]:
        """Every region a diagnosis names: its M99.0- region or the table's entries."""
        key = (code, tuple(extra))
        known = self._memo.get(key)
        if known is not None:
            return known
        region = self.subluxation_region(code)
        if region is not None:
            answer = frozenset((region.name,))
        else:
            found: set[str] = set()
            for pattern, names in (*extra, *self.diagnosis_regions):
                if pattern.covers(code):
                    found.update(names)
            answer = frozenset(found)
        if len(self._memo) < 65536:
            self._memo[key] = answer
        return answer

    def level_for(self, count: int) -> str | None:
        """The spinal CMT code whose region range holds ``count`` regions."""
        for procedure, (low, high) in sorted(self.levels.items()):
            if low <= count <= high:
                return procedure
        return None


@cache
def tables() -> RegionTables:
    """Load ``regions.toml`` once."""
    data = RegionFile.model_validate(read_data(PACKAGE, "data/regions.toml"))
    compiled = tuple(
        (DiagnosisPattern.parse(text), frozenset(record.regions))
        for record in data.diagnosis_region
        for text in record.diagnoses
    )
    known = {r.name for r in data.region}
    for _, names in compiled:
        unknown = names - known
        if unknown:
            raise ValueError(f"regions.toml names unknown regions: {sorted(unknown)}")
    return RegionTables(
        regions=data.region,
        levels={lv.procedure: (lv.min_regions, lv.max_regions) for lv in data.level},
        diagnosis_regions=compiled,
    )


@cache
def compile_extra(
    items: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[DiagnosisPattern, frozenset[str]], ...]:
    """Compile a user's ``extra_diagnosis_regions`` option (pattern -> regions)."""
    return tuple((DiagnosisPattern.parse(p), frozenset(names)) for p, names in items)


def extra_from_option(value: object) -> tuple[tuple[DiagnosisPattern, frozenset[str]], ...]:
    """Turn the option mapping into compiled pairs (cached by content)."""
    if not isinstance(value, Mapping) or not value:
        return ()
    items = tuple(sorted((str(k), tuple(str(n) for n in v)) for k, v in value.items()))
    return compile_extra(items)


@cache
def patterns(texts: tuple[str, ...]) -> tuple[DiagnosisPattern, ...]:
    """Compile diagnosis patterns from an option list (cached by content)."""
    return tuple(DiagnosisPattern.parse(t) for t in texts)


def covered(code: str, texts: Iterable[str]) -> bool:
    """True when ``code`` is covered by one of the pattern texts."""
    return any(p.covers(code) for p in patterns(tuple(texts)))


@dataclass(frozen=True)
class LineRegions:
    """What one spinal CMT line shows about the regions manipulated."""

    index: int
    procedure: str
    diagnosed: Mapping[str, str]  # region -> the M99.0- code that names it
    documented: tuple[str, ...]
    head_codes: tuple[str, ...]  # M99.00 pointed at: not a CMT spinal region

    def supported(self, source: str = "both") -> tuple[str, ...]:
        """The regions that count toward the CMT level, in head-to-pelvis order."""
        order = tables().spinal_order
        diagnosed = set(self.diagnosed)
        documented = set(self.documented)
        if source == "diagnosed":
            chosen = diagnosed
        elif source == "documented":
            chosen = documented
        elif source == "either":
            chosen = diagnosed | documented
        elif diagnosed and documented:
            chosen = diagnosed & documented
        else:
            chosen = diagnosed or documented
        return tuple(r for r in order if r in chosen)


def spinal_cmt_lines(ctx: ClaimContext) -> list[int]:
    """Indexes of lines billing spinal CMT (98940-98942 or any code tagged cmt+spinal)."""
    memo = ctx.memo.get("chiropractic.spinal_cmt")
    if memo is not None:
        return list(memo)
    levels = tables().levels
    has_tag = ctx.has_tag
    found = [
        i
        for i, line in enumerate(ctx.lines)
        if line.procedure in levels
        or (has_tag(line.procedure, "cmt") and has_tag(line.procedure, "spinal"))
    ]
    ctx.memo["chiropractic.spinal_cmt"] = tuple(found)
    return found


def line_regions(ctx: ClaimContext, index: int) -> LineRegions:
    """Diagnosed and documented regions of one CMT line.

    Diagnosed regions come from every M99.01-M99.05 code of the claim, not only those the
    line points at: a professional claim line carries at most four diagnosis pointers
    (CMS-1500 item 24E, X12 837P SV107), so 98942 (five regions) could never be supported
    by its pointers alone.  Whether the CMT line points at a subluxation at all is another
    rule's question (DC101).
    """
    t = tables()
    diagnosed: dict[str, str] = {}
    head: list[str] = []
    for code in ctx.diagnoses:
        region = t.subluxation_region(code)
        if region is None:
            continue
        if region.kind == "spinal":
            diagnosed.setdefault(region.name, code)
        elif region.name == "head":
            head.append(code)
    return LineRegions(
        index=index,
        procedure=ctx.lines[index].procedure,
        diagnosed=diagnosed,
        documented=tuple(ctx.documentation.spinal_regions),
        head_codes=tuple(head),
    )
