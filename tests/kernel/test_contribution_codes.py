"""Procedure codes in plugin data are normalised exactly as a claim's are."""

from __future__ import annotations

from cleanclaim.contributions import Pairing, Procedure, ProcedureEdit, UnitLimit


def test_procedure_codes_in_contributions_are_normalised_like_claims() -> None:
    assert Procedure(code=" g0283 ", label="e-stim").code == "G0283"
    assert Pairing(procedures=("97 110",), diagnoses=("M62.83-",), citation="s").procedures == (
        "97110",
    )
    edit = ProcedureEdit(column1="g0283", column2="97014", modifier_indicator=1, citation="s")
    assert (edit.column1, edit.column2) == ("G0283", "97014")
    assert UnitLimit(code="j1100", max_units=1, citation="s").code == "J1100"
