"""PC103: G2211 payability for Medicare, with its date boundaries."""

from __future__ import annotations

from pc_support import Check, of


def medicare(check: Check, dos: str, *lines: str) -> list[str]:
    return [f.severity for f in of(check(*lines, dos=dos, payer="medicare"), "PC103")]


def test_not_payable_before_2024(check: Check) -> None:
    [finding] = of(check("99213", "G2211", dos="2023-12-15", payer="medicare"), "PC103")
    assert finding.severity == "error"
    assert "2024-01-01" in finding.message
    assert finding.location == "lines[1]"


def test_payable_from_2024_01_01(check: Check) -> None:
    assert medicare(check, "2023-12-31", "99213", "G2211") == ["error"]
    assert medicare(check, "2024-01-01", "99213", "G2211") == []


def test_modifier_25_never_in_2024(check: Check) -> None:
    [finding] = of(check("99214-25", "G0439", "G2211", dos="2024-12-31", payer="medicare"), "PC103")
    assert "2024-01-01 to 2024-12-31" in finding.message
    assert finding.codes == ["G2211", "99214"]


def test_modifier_25_with_a_preventive_service_from_2025(check: Check) -> None:
    assert medicare(check, "2025-01-01", "99214-25", "G0439", "G2211") == []
    assert medicare(check, "2025-05-01", "99214-25", "G0438", "G2211") == []
    assert medicare(check, "2025-05-01", "99213-25", "G0008", "G2211") == []
    assert medicare(check, "2026-02-01", "99213-25", "90471", "G2211") == []
    assert medicare(check, "2026-02-01", "99213-25", "G0444", "G2211") == []


def test_modifier_25_with_a_procedure_from_2025(check: Check) -> None:
    [finding] = of(check("99214-25", "20552", "G2211", dos="2025-05-01", payer="medicare"), "PC103")
    assert finding.severity == "error"
    assert "annual wellness visit" in finding.message


def test_em_without_25_is_quiet(check: Check) -> None:
    assert medicare(check, "2025-05-01", "99214", "G2211") == []
    assert medicare(check, "2024-06-01", "99205", "G2211") == []


def test_add_on_without_an_em(check: Check) -> None:
    [finding] = of(check("G2211", dos="2025-05-01", payer="medicare"), "PC103")
    assert "add-on" in finding.message
    assert "(99202-99205, 99211-99215 on dates 2025-01-01 to 2025-12-31)" in finding.message


def test_home_visits_qualify_from_2026(check: Check) -> None:
    assert medicare(check, "2025-12-31", "99347", "G2211") == ["error"]
    assert medicare(check, "2026-01-01", "99347", "G2211") == []


def test_commercial_payers_are_left_alone(check: Check) -> None:
    for payer in ("commercial", "acme-health", None):
        report = check("99214-25", "20552", "G2211", dos="2023-12-15", payer=payer)
        assert not of(report, "PC103"), payer


def test_quiet_without_g2211(check: Check) -> None:
    assert medicare(check, "2023-06-01", "99214-25", "20552") == []
