"""Seeded synthetic claims that look like a clinic's day, for benchmarks and scale tests.

Benchmarks are only honest when the claims they time resemble real ones: a mix of
specialties and payers, mostly clean claims, and the faults that actually get claims
denied (header codes, M54.5 after FY2021, a missing 7th character, typos, Excludes1
pairs, documentation gaps, units that the minutes do not earn, missing modifiers).
Every code used as a *valid* code is billable in the fiscal year of the claim's date of
service (tests check this against [`cleanclaim.icd`][cleanclaim.icd]); the faulty ones are faulty on
purpose and each claim lists what was injected in ``extensions.synth_faults`` so tests can
compare the engine's findings with the truth.

The same ``(n, seed)`` always gives the same claims, on every platform: only
`random.Random` with an explicit seed is used.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

__all__ = ["FAULTS", "FISCAL_YEARS", "generate", "generate_lines"]


def _served() -> tuple[dict[int, tuple[date, date]], date]:
    """The dates the packaged datasets serve, per fiscal year, and a date none serves.

    Read from the registry (manifests and known releases only, no code data), so that every
    packaged year -- today's included -- is covered as soon as refdata packages it, and
    FY2023 only up to the April 2023 update it lacks, FY2021 only from the January 2021
    update it is.
    """
    from cleanclaim.icd import DatasetRegistry

    years: dict[int, tuple[date, date]] = {}
    unserved: date | None = None
    for window in DatasetRegistry.packaged().windows():
        if window.dataset is None:
            unserved = unserved or window.start + timedelta(days=14)
            continue
        fy = window.dataset.fiscal_year
        start, end = years.get(fy, (window.start, window.end))
        if window.start == end + timedelta(days=1):  # contiguous: one range per year
            end = window.end
        years[fy] = (start, end)
    return dict(sorted(years.items())), unserved or date(2019, 6, 1)


#: Fiscal years packaged by cleanclaim-refdata, with the dates each one serves.
FISCAL_YEARS, _UNSERVED = _served()
#: how often each year's dates come up: the newest (today's) year most, as in a clinic.
_YEAR_WEIGHTS = {
    fy: 5 if i == 0 else 3 if i == 1 else 2
    for i, fy in enumerate(sorted(FISCAL_YEARS, reverse=True))
}


def _low_back(fy: int) -> str:
    """Low back pain: M54.5 until FY2021, M54.50 from FY2022 (the change that denies claims)."""
    return "M54.5" if fy <= 2021 else "M54.50"


_PAYERS = (
    ("medicare", 45),
    ("commercial", 35),
    ("bluecross-ppo", 7),
    ("acme-health", 5),
    ("united-hmo", 4),
    (None, 4),
)
_SPECIALTIES = (
    ("physical-therapy", 40),
    ("chiropractic", 20),
    ("primary-care", 30),
    ("urology", 10),
)

#: Fault kinds the generator can inject (value: the rule that should catch it), in the
#: order they are applied: codes replaced, then codes added, then pointers broken, so
#: that two faults on one claim never undo each other.
FAULTS: dict[str, str] = {
    "header": "ICD102",
    "typo": "ICD101",
    "deleted_code": "ICD101",
    "seventh_missing": "ICD103",
    "excludes1": "ICD104",
    "duplicate": "ICD105",
    "bad_pointer": "CLM201",
    "documentation_gap": "",  # plugin documentation rules (PT106, ...): depends on codes
    "units_minutes": "",  # PT103 on timed PT codes
    "missing_modifier": "",  # PT101 / DC105 / PC101 depending on the specialty
}

_TYPOS = ("M62.380", "M62.839", "M54.55", "S39.21XA", "M99.9X")
_HEADERS = ("M62.83", "M54.1", "M79.1", "S39.01", "M99.0")

_PT_DX = ("M62.830", "M54.2", "M54.6", "M25.511", "M25.512", "M54.16", "M53.3", "M25.561")
_PT_SITES = {
    "M62.830": "lumbar",
    "M54.2": "cervical",
    "M54.6": "thoracic",
    "M25.511": "right shoulder",
    "M25.512": "left shoulder",
    "M54.16": "lumbar",
    "M53.3": "sacrococcygeal",
    "M25.561": "right knee",
}
_PT_TIMED = ("97110", "97140", "97112", "97530", "97035", "97116")
_PT_UNTIMED = ("97014", "97010", "97012")
_DC_CONDITION = {"cervical": "M54.2", "thoracic": "M54.6", "sacral": "M53.3"}
_DC_SUBLUX = {"cervical": "M99.01", "thoracic": "M99.02", "lumbar": "M99.03", "sacral": "M99.04"}
_PC_DX = ("I10", "E11.9", "J06.9", "E78.5", "M62.830", "K21.9", "Z00.00", "I11.9")
#: diagnoses that support pelvic floor biofeedback (listed first), and others (after).
_URO_DX = ("N39.3", "M62.89", "N81.84", "R15.9", "R32")
_URO_OTHER = ("N32.81", "R35.0", "N94.89", "K59.00")


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights)[0]


def _date(rng: random.Random) -> tuple[int, date]:
    fy = rng.choices(list(_YEAR_WEIGHTS), list(_YEAR_WEIGHTS.values()))[0]
    start, end = FISCAL_YEARS[fy]
    return fy, start + timedelta(days=rng.randrange((end - start).days + 1))


def _documentation(rng: random.Random, site: str, regions: list[str]) -> dict[str, Any]:
    return {
        "site": site,
        "onset": rng.choice(("acute", "chronic", "acute-on-chronic")),
        "trauma": False,
        "mechanism": rng.choice(
            (
                "bending to lift a box, no fall or impact",
                "gradual onset after long desk work",
                "reaching overhead while gardening",
            )
        ),
        "objective_findings": rng.sample(
            [
                "palpable muscle guarding",
                "flexion limited to 40 degrees",
                "tenderness on palpation",
                "strength 4/5",
            ],
            k=2,
        ),
        "treatment_rationale": "restore range of motion and function",
        "spinal_regions": regions,
    }


def _timed_line(
    rng: random.Random, code: str, pointers: list[int], mods: list[str]
) -> dict[str, Any]:
    units = rng.choice((1, 1, 2, 2, 3))
    # within 2 minutes of the units billed, so the 8-minute rule holds for the claim total
    minutes = units * 15 + rng.randint(-2, 2)
    return {
        "procedure": code,
        "modifiers": mods,
        "units": units,
        "minutes": minutes,
        "diagnosis_pointers": pointers,
    }


def _physical_therapy(rng: random.Random, fy: int, medicare: bool) -> dict[str, Any]:
    first = rng.choice(_PT_DX)
    dx = [first]
    if first in ("M62.830", "M54.16") and rng.random() < 0.3:
        dx.append(_low_back(fy))
    pointers = list(range(1, len(dx) + 1))
    lines = [
        _timed_line(rng, code, pointers, ["GP"])
        for code in rng.sample(_PT_TIMED, k=rng.choice((1, 2, 2, 3)))
    ]
    if rng.random() < 0.2:
        lines.append(
            {
                "procedure": "G0283" if medicare else rng.choice(_PT_UNTIMED),
                "modifiers": ["GP"],
                "units": 1,
                "diagnosis_pointers": [1],
            }
        )
    if rng.random() < 0.1:
        lines.insert(
            0, {"procedure": "97161", "modifiers": ["GP"], "units": 1, "diagnosis_pointers": [1]}
        )
    site = _PT_SITES[first]
    regions = [site] if site in ("lumbar", "cervical", "thoracic") else []
    return {"diagnoses": dx, "lines": lines, "documentation": _documentation(rng, site, regions)}


def _chiropractic(rng: random.Random, fy: int, medicare: bool) -> dict[str, Any]:
    regions = rng.sample(("cervical", "thoracic", "lumbar", "sacral"), k=rng.choice((1, 2, 2, 3)))
    regions.sort(key=("cervical", "thoracic", "lumbar", "sacral").index)
    dx = [_DC_SUBLUX[r] for r in regions]
    # Medicare wants, for each subluxation, a condition of the same region it treats.
    for region in regions:
        if medicare or rng.random() < 0.5:
            dx.append(_DC_CONDITION[region] if region != "lumbar" else _low_back(fy))
    cmt = "98940" if len(regions) <= 2 else "98941"
    mods = ["AT"] if medicare else []
    lines = [
        {
            "procedure": cmt,
            "modifiers": mods,
            "units": 1,
            "diagnosis_pointers": list(range(1, min(len(dx), 4) + 1)),
        }
    ]
    doc = _documentation(rng, regions[0], regions)
    return {"diagnoses": dx, "lines": lines, "documentation": doc}


def _primary_care(rng: random.Random, fy: int, medicare: bool) -> dict[str, Any]:
    dx = rng.sample(_PC_DX, k=rng.choice((1, 2, 2, 3)))
    visit = rng.choice(("99212", "99213", "99213", "99214", "99214", "99215"))
    lines: list[dict[str, Any]] = [
        {
            "procedure": visit,
            "modifiers": [],
            "units": 1,
            "diagnosis_pointers": list(range(1, len(dx) + 1)),
        }
    ]
    if "M62.830" in dx and rng.random() < 0.5:
        lines[0]["modifiers"] = ["25"]
        lines.append(
            {
                "procedure": "20552",
                "modifiers": [],
                "units": 1,
                "diagnosis_pointers": [dx.index("M62.830") + 1],
            }
        )
    doc: dict[str, Any] | None = None
    if "M62.830" in dx:
        doc = _documentation(rng, "lumbar", ["lumbar"])
    return {"diagnoses": dx, "lines": lines, "documentation": doc}


def _urology(rng: random.Random, fy: int, medicare: bool) -> dict[str, Any]:
    dx = [rng.choice(_URO_DX)]
    if rng.random() < 0.4:
        dx.append(rng.choice(_URO_OTHER))
    lines = [
        {
            "procedure": "90912",
            "modifiers": [],
            "units": 1,
            "minutes": 15,
            "diagnosis_pointers": [1],
        },
    ]
    if rng.random() < 0.5:
        lines.append(
            {
                "procedure": "90913",
                "modifiers": [],
                "units": rng.choice((1, 2)),
                "diagnosis_pointers": [1],
            }
        )
    return {"diagnoses": dx, "lines": lines, "documentation": None}


_BUILDERS: dict[str, Callable[[random.Random, int, bool], dict[str, Any]]] = {
    "physical-therapy": _physical_therapy,
    "chiropractic": _chiropractic,
    "primary-care": _primary_care,
    "urology": _urology,
}


def _inject(rng: random.Random, kind: str, fy: int, body: dict[str, Any]) -> None:
    """Damage ``body`` in place the way real claims go wrong."""
    dx: list[str] = body["diagnoses"]
    lines: list[dict[str, Any]] = body["lines"]
    if kind == "header":
        dx[0] = rng.choice(_HEADERS)
    elif kind == "deleted_code":
        # M54.5 became a header on 2021-10-01; in FY2021 it was valid, and M54.50 was not.
        dx.append("M54.5" if fy > 2021 else "M54.50")
    elif kind == "seventh_missing":
        dx.append("S39.012")
    elif kind == "typo":
        typo = rng.choice(_TYPOS)
        if len(dx) > 1:
            dx[-1] = typo
        else:
            dx.append(typo)
    elif kind == "excludes1":
        # Low back pain (M54.5-) is Excludes1 with a lumbar strain (S39.012-).
        if _low_back(fy) not in dx:
            dx.append(_low_back(fy))
        dx.append("S39.012A")
    elif kind == "duplicate":
        dx.append(dx[0])
    elif kind == "bad_pointer" and lines:
        lines[0]["diagnosis_pointers"] = [len(dx) + 1]
    elif kind == "documentation_gap":
        doc = body.get("documentation") or {}
        for key in rng.sample(
            ("objective_findings", "onset", "trauma", "treatment_rationale"), k=2
        ):
            doc.pop(key, None)
        body["documentation"] = doc
    elif kind == "units_minutes":
        for line in lines:
            if line.get("minutes") is not None:
                line["units"] = line["units"] + 2
                break
    elif kind == "missing_modifier":
        for line in lines:
            if line["modifiers"]:
                line["modifiers"] = []
                break


def _malformed(rng: random.Random, claim: dict[str, Any]) -> dict[str, Any]:
    """A record a schema-checking engine must reject (never a crash)."""
    kind = rng.randrange(5)
    bad: dict[str, Any] = json.loads(json.dumps(claim))
    if kind == 0:
        bad.pop("date_of_service")
    elif kind == 1:
        bad["date_of_service"] = "2023-02-30"
    elif kind == 2:
        bad["date_of_service"] = _UNSERVED.isoformat()  # no packaged dataset serves it
    elif kind == 3 and bad["lines"]:
        bad["lines"][0]["units"] = "three"
    else:
        bad["documentaton"] = bad.pop("documentation", None)
    return bad


def generate(
    n: int, seed: int = 0, *, fault_rate: float = 0.35, malformed_rate: float = 0.0
) -> Iterator[dict[str, Any]]:
    """Yield ``n`` claims as JSON-ready dicts; the same ``(n, seed)`` gives the same claims.

    About ``fault_rate`` of the claims carry one or two injected faults (listed in
    ``extensions.synth_faults``); ``malformed_rate`` of them are records the engine must
    reject as invalid input (missing or impossible date, a date no dataset serves, wrong
    types, a misspelt field).  The defaults give the "typical claims" the benchmarks time.
    """
    rng = random.Random(seed)
    kinds = list(FAULTS)
    for number in range(1, n + 1):
        specialty: str = _pick(rng, _SPECIALTIES)
        payer: str | None = _pick(rng, _PAYERS)
        fy, day = _date(rng)
        body = _BUILDERS[specialty](rng, fy, payer == "medicare")
        faults: list[str] = []
        if rng.random() < fault_rate:
            faults = sorted(rng.sample(kinds, k=rng.choice((1, 1, 1, 2))), key=kinds.index)
            for kind in faults:
                _inject(rng, kind, fy, body)
        claim: dict[str, Any] = {
            "claim_id": f"SYN-{seed}-{number:07d}",
            "date_of_service": day.isoformat(),
        }
        if payer is not None:
            claim["payer"] = payer
        claim["place_of_service"] = "11"
        claim["specialty"] = specialty
        claim["patient"] = {
            "age": rng.randint(66, 90) if payer == "medicare" else rng.randint(18, 64),
            "sex": rng.choice(("F", "M")),
        }
        claim["diagnoses"] = body["diagnoses"]
        claim["lines"] = body["lines"]
        if body.get("documentation") is not None:
            claim["documentation"] = body["documentation"]
        if faults:
            claim["extensions"] = {"synth_faults": faults}
        if malformed_rate and rng.random() < malformed_rate:
            claim = _malformed(rng, claim)
        yield claim


def generate_lines(
    n: int, seed: int = 0, *, fault_rate: float = 0.35, malformed_rate: float = 0.0
) -> Iterator[str]:
    """JSONL lines (no newline) for `generate()`; some malformed ones are not JSON at all.

    A quarter of the malformed records are cut off mid-way, as a truncated upload would be.
    """
    rng = random.Random(seed ^ 0x5EED)
    for claim in generate(n, seed, fault_rate=fault_rate, malformed_rate=malformed_rate):
        text = json.dumps(claim, separators=(",", ":"))
        if malformed_rate and rng.random() < malformed_rate / 4:
            text = text[: len(text) // 2]
        yield text
