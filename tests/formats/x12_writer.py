"""Writes 837P interchanges of our own from claim specifications, for the samples and the
property tests.  The names, addresses and identifiers are invented; the segments hold
what an 837P needs to parse under the x12sdk model (N3/N4 addresses, the 1000A PER,
CLM02 equal to the sum of the lines), so the library can be the oracle of our reader.

A specification is a list of transactions; a transaction a list of subscribers; a
subscriber a dict with ``filing`` (SBR09), ``payer_id``, ``birth``/``sex`` (DMG) and
optionally ``patient`` (a 2000C with its own ``birth``/``sex``), and ``claims``.  A claim
is a dict with ``id``, ``pos``, ``frequency``, ``dx`` (a list of (qualifier, code)),
``date`` (claim-level DTP*472, optional), ``taxonomy`` (2310B PRV, optional) and
``lines`` (dicts with ``code``, ``modifiers``, ``charge``, ``basis``, ``quantity``,
``pointers``, ``date`` as ``D8:CCYYMMDD`` or ``RD8:CCYYMMDD-CCYYMMDD``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def isa(control: str) -> str:
    # fixed-width ISA: 106 characters with the terminator
    return (
        "ISA*00*          *00*          *ZZ*CCSUBMITTER001 *ZZ*CCRECEIVER0001 *"
        f"260601*1200*^*00501*{control}*0*T*:~"
    )


def transaction(
    st02: str, subscribers: list[dict[str, Any]], billing_taxonomy: str = ""
) -> list[str]:
    segs = [
        f"ST*837*{st02}*005010X222A1",
        f"BHT*0019*00*B{st02}*20260601*1200*CH",
        "NM1*41*2*NORTHWIND SAMPLE CLINIC*****46*NW0001",
        "PER*IC*FRONT DESK*TE*5550100000",
        "NM1*40*2*SAMPLE CLEARINGHOUSE*****46*SCH001",
        "HL*1**20*1",
    ]
    if billing_taxonomy:
        segs.append(f"PRV*BI*PXC*{billing_taxonomy}")
    segs += [
        "NM1*85*2*NORTHWIND SAMPLE CLINIC*****XX*1999999984",
        "N3*100 EXAMPLE ROAD",
        "N4*SPRINGFIELD*IL*627010000",
        "REF*EI*990000001",
    ]
    hl = 1
    for number, sub in enumerate(subscribers, start=1):
        hl += 1
        sub_hl = hl
        patient = sub.get("patient")
        segs.append(f"HL*{sub_hl}*1*22*{1 if patient else 0}")
        segs.append(f"SBR*P*{'' if patient else '18'}*******{sub.get('filing', 'CI')}")
        segs.append(f"NM1*IL*1*SUBSCRIBER{number}*ALEX****MI*MEMBER{number:04d}")
        segs.append("N3*1 SAMPLE STREET")
        segs.append("N4*SPRINGFIELD*IL*62701")
        if sub.get("birth"):
            segs.append(f"DMG*D8*{sub['birth']}*{sub.get('sex', 'U')}")
        segs.append(f"NM1*PR*2*SAMPLE PAYER*****PI*{sub.get('payer_id', 'PAYER01')}")
        if patient:
            hl += 1
            segs.append(f"HL*{hl}*{sub_hl}*23*0")
            segs.append("PAT*19")
            segs.append(f"NM1*QC*1*DEPENDENT{number}*SAM")
            segs.append("N3*1 SAMPLE STREET")
            segs.append("N4*SPRINGFIELD*IL*62701")
            segs.append(f"DMG*D8*{patient['birth']}*{patient.get('sex', 'U')}")
        for claim in sub["claims"]:
            segs += _claim(claim)
    segs.append(f"SE*{len(segs) + 1}*{st02}")
    return segs


def _claim(claim: dict[str, Any]) -> list[str]:
    total = sum((Decimal(line.get("charge", "0")) for line in claim["lines"]), Decimal(0))
    freq = claim.get("frequency", "1")
    segs = [f"CLM*{claim['id']}*{total}***{claim.get('pos', '11')}:B:{freq}*Y*A*Y*Y"]
    if claim.get("date"):
        kind, _, value = claim["date"].partition(":")
        segs.append(f"DTP*472*{kind}*{value}")
    if claim.get("dx"):
        segs.append("HI*" + "*".join(f"{q}:{c}" for q, c in claim["dx"]))
    if claim.get("taxonomy"):
        segs.append("NM1*82*1*RENDERING*ROBIN****XX*1999999992")
        segs.append(f"PRV*PE*PXC*{claim['taxonomy']}")
    for number, line in enumerate(claim["lines"], start=1):
        segs.append(f"LX*{number}")
        composite = ":".join(["HC", line["code"], *line.get("modifiers", [])])
        pointers = ":".join(str(p) for p in line.get("pointers", [1]))
        basis = line.get("basis", "UN")
        segs.append(
            f"SV1*{composite}*{line.get('charge', '0')}*{basis}*{line.get('quantity', 1)}***"
            f"{pointers}"
        )
        if line.get("date"):
            kind, _, value = line["date"].partition(":")
            segs.append(f"DTP*472*{kind}*{value}")
    return segs


def interchange(control: str, groups: list[tuple[str, list[list[str]]]]) -> str:
    """An interchange of groups, each (GS06, [transaction segments])."""
    out = [isa(control).rstrip("~")]
    for gs06, transactions in groups:
        out.append(f"GS*HC*CCSUBMITTER001*CCRECEIVER0001*20260601*1200*{gs06}*X*005010X222A1")
        for segs in transactions:
            out += segs
        out.append(f"GE*{len(transactions)}*{gs06}")
    out.append(f"IEA*{len(groups)}*{control}")
    return "~\n".join(out) + "~\n"
