"""Writes the 837P samples of this folder (run it from the repository root after a change:
``python tests/formats/samples/make_samples.py``).  The ``*.claims.jsonl`` beside each
sample are written by hand: the same claims as cleanclaim JSON, which the tests check the
reader's claims and reports against.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from x12_writer import interchange, transaction  # noqa: E402

PT = "225100000X"
CHIRO = "111N00000X"


def multi() -> str:
    """Two groups, three transactions, four subscribers (one with a dependent patient),
    six claims, RD8 ranges, minutes (MJ), four modifiers, lines of one claim on two days."""
    t1 = transaction(
        "0001",
        [
            {
                "filing": "MB",
                "payer_id": "MCR01",
                "birth": "19580314",
                "sex": "F",
                "claims": [
                    {
                        "id": "PT-2001",
                        "pos": "11",
                        "dx": [("ABK", "M5450"), ("ABF", "M62830")],
                        "taxonomy": PT,
                        "lines": [
                            {
                                "code": "97110",
                                "modifiers": ["GP"],
                                "charge": "80",
                                "quantity": 2,
                                "pointers": [1, 2],
                                "date": "D8:20260512",
                            },
                            {
                                "code": "97140",
                                "charge": "45",
                                "quantity": 1,
                                "pointers": [1],
                                "date": "D8:20260512",
                            },
                        ],
                    },
                    {
                        "id": "PT-2002",
                        "pos": "11",
                        "dx": [("ABK", "M5450")],
                        "taxonomy": PT,
                        "lines": [
                            {
                                "code": "97110",
                                "modifiers": ["GP", "KX"],
                                "charge": "40",
                                "quantity": 1,
                                "pointers": [1],
                                "date": "RD8:20260518-20260522",
                            },
                        ],
                    },
                ],
            },
            {
                "filing": "CI",
                "payer_id": "ACME7",
                "birth": "19700101",
                "sex": "M",
                "patient": {"birth": "20100620", "sex": "F"},
                "claims": [
                    {
                        "id": "PC-3001",
                        "pos": "11",
                        "frequency": "7",
                        "dx": [("ABK", "M62830"), ("ABF", "M5450")],
                        "lines": [
                            {
                                "code": "99213",
                                "modifiers": ["25"],
                                "charge": "120",
                                "quantity": 1,
                                "pointers": [1, 2],
                                "date": "D8:20260602",
                            },
                            {
                                "code": "20552",
                                "charge": "90",
                                "quantity": 1,
                                "pointers": [1],
                                "date": "D8:20260602",
                            },
                        ],
                    },
                ],
            },
        ],
    )
    t2 = transaction(
        "0002",
        [
            {
                "filing": "MB",
                "payer_id": "MCR01",
                "birth": "19490902",
                "sex": "M",
                "claims": [
                    {
                        "id": "CH-4001",
                        "pos": "11",
                        "dx": [("ABK", "M9903"), ("ABF", "M5450")],
                        "taxonomy": CHIRO,
                        "lines": [
                            {
                                "code": "98940",
                                "modifiers": ["AT"],
                                "charge": "55",
                                "quantity": 1,
                                "pointers": [1, 2],
                                "date": "D8:20260415",
                            },
                        ],
                    },
                ],
            },
        ],
    )
    t3 = transaction(
        "0003",
        [
            {
                "filing": "BL",
                "payer_id": "BLUE3",
                "birth": "19851111",
                "sex": "F",
                "claims": [
                    {
                        "id": "AN-5001",
                        "pos": "22",
                        "dx": [("ABK", "M5450")],
                        "lines": [
                            {
                                "code": "97112",
                                "modifiers": ["GP", "59", "XU", "76"],
                                "charge": "60",
                                "basis": "MJ",
                                "quantity": 38,
                                "pointers": [1],
                                "date": "RD8:20260301-20260305",
                            },
                        ],
                    },
                    {
                        "id": "AN-5002",
                        "pos": "11",
                        "dx": [("ABK", "M62830")],
                        "lines": [
                            {
                                "code": "97530",
                                "charge": "50",
                                "quantity": 2,
                                "pointers": [1],
                                "date": "D8:20260310",
                            },
                            {
                                "code": "97110",
                                "charge": "50",
                                "quantity": 1,
                                "pointers": [1],
                                "date": "D8:20260309",
                            },
                        ],
                    },
                ],
            },
        ],
    )
    return interchange("000000101", [("101", [t1, t2]), ("102", [t3])])


def icd9() -> str:
    """A claim coded with ICD-9-CM qualifiers (BK/BF) between two ICD-10-CM claims."""
    t1 = transaction(
        "0009",
        [
            {
                "filing": "MB",
                "birth": "19600101",
                "sex": "F",
                "claims": [
                    {
                        "id": "OK-1",
                        "dx": [("ABK", "M5450")],
                        "lines": [
                            {
                                "code": "97110",
                                "modifiers": ["GP"],
                                "charge": "40",
                                "quantity": 1,
                                "date": "D8:20260512",
                            }
                        ],
                    },
                    {
                        "id": "OLD-9",
                        "dx": [("BK", "7242"), ("BF", "72885")],
                        "lines": [
                            {
                                "code": "97110",
                                "modifiers": ["GP"],
                                "charge": "40",
                                "quantity": 1,
                                "date": "D8:20150901",
                            }
                        ],
                    },
                    {
                        "id": "OK-2",
                        "dx": [("ABK", "M62830")],
                        "lines": [
                            {
                                "code": "97140",
                                "modifiers": ["GP"],
                                "charge": "45",
                                "quantity": 1,
                                "date": "D8:20260513",
                            }
                        ],
                    },
                ],
            }
        ],
    )
    return interchange("000000109", [("109", [t1])])


def broken() -> str:
    """Control numbers and counts that do not match: SE01 one short in the first
    transaction, GE02 not GS06, and no IEA at the end.  Both claims can still be read."""
    out = []
    first_se = True
    for line in multi().splitlines():
        if line.startswith("SE*") and first_se:
            first_se = False
            _tag, count, control = line.rstrip("~").split("*")
            line = f"SE*{int(count) - 1}*{control}~"
        elif line.startswith("GE*1*102"):
            line = "GE*1*999~"
        elif line.startswith("IEA"):
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def main() -> None:
    (HERE / "837p-multi.x12").write_text(multi(), encoding="ascii")
    (HERE / "837p-icd9.x12").write_text(icd9(), encoding="ascii")
    (HERE / "837p-broken.x12").write_text(broken(), encoding="ascii")


if __name__ == "__main__":
    main()
