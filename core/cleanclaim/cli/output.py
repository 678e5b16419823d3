"""The text report a coder reads: grouped by severity, each finding with its fix.

Colour only on a terminal and never when NO_COLOR is set (no-color.org), so piped output
and logs stay plain.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable

from cleanclaim.models import Finding, Report

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"
_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


def render_report(
    report: Report,
    *,
    color: bool = False,
    labels: Callable[[str], str] | None = None,
    width: int | None = None,
    respect_no_color: bool = True,
    origin: str | None = None,
) -> str:
    """The report as a coder reads it.

    :param report: the report to show.
    :param color: colour the headings and rule ids with ANSI escapes.
    :param labels: short labels of procedure codes (unused by the text itself; kept for
        callers that pass the engine's ``tables.label``).
    :param width: wrap messages and references to this many columns (a terminal's
        width); None leaves every line whole, as a pipe or a log wants it.
    :param respect_no_color: turn ``color`` off when ``NO_COLOR`` is set; the command
        line passes False, having already decided with ``--color``.
    :param origin: the file the claim came from, put before the header (``check`` with
        several files); wrapped with it.
    :returns: the text, ending with a newline.
    """
    color = color and not (respect_no_color and os.environ.get("NO_COLOR"))
    ds = report.dataset
    header = (
        f"claim {_printable(report.claim_id or '(no id)')}: {report.status.upper()}"
        f"  [{ds.system} FY{ds.fiscal_year}, release {ds.release}]"
    )
    if origin is not None:
        header = f"{_printable(origin)}: {header}"
    lines = _wrapped(header, "", width, "  ")
    if report.payer is not None:
        lines += _wrapped(f"payer profile: {_printable(payer_line(report))}", "  ", width, "    ")
    caveat = dataset_caveat(report)
    if caveat:
        lines += _wrapped(caveat, "  ", width, "    ")
    if not report.findings:
        lines.append("  no findings: the claim is clean")
    for severity in ("error", "warning", "info"):
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        heading = f"{_HEADINGS[severity]} ({len(group)})"
        lines.append("")
        lines.append(_paint(heading, _COLORS[severity] + _BOLD, color))
        for finding in group:
            lines.extend(_finding_lines(finding, color, width))
    return "\n".join(lines) + "\n"


def payer_line(report: Report) -> str:
    """``medicare (the claim's payer)``: which payer profile the report applied, and why."""
    used = report.payer
    if used is None:
        return ""
    return f"{used.profile} ({used.note})"


def dataset_caveat(report: Report) -> str:
    """One line when the dataset is provisional or unverified, else ``""``: a coder must see
    that a clean report from such a dataset may have missed something."""
    ds = report.dataset
    parts = []
    if ds.provisional:
        parts.append(f"is provisional: {_printable(ds.provisional)}")
    if not ds.verified:
        parts.append(
            "is unverified: it was added with --allow-unverified from a file that is not a "
            "known official CMS file"
        )
    if not parts:
        return ""
    return f"dataset FY{ds.fiscal_year} " + "; it also ".join(parts)


def _finding_lines(finding: Finding, color: bool, width: int | None = None) -> list[str]:
    where = f" at {finding.location}" if finding.location else ""
    if finding.input_location:  # where the file holds it: ``2400 SV1-01, segment 31``
        where += f" ({_printable(finding.input_location)})"
    out = [f"  {_paint(finding.rule, _BOLD, color)} [{finding.source}]{where}"]
    out.extend(_wrapped(_printable(finding.message), "    ", width))
    if finding.suggestions:
        out.extend(_wrapped(f"fix: {', '.join(finding.suggestions)}", "    ", width))
    if finding.reference:
        out.extend(_wrapped(f"ref: {finding.reference}", "    ", width, "         "))
    return out


def _wrapped(text: str, indent: str, width: int | None, more: str | None = None) -> list[str]:
    """``text`` indented, wrapped to ``width`` columns when one is given (never below 40:
    a very narrow terminal still gets readable lines, and words are never cut)."""
    if width is None:
        return [indent + text]
    return textwrap.wrap(
        text,
        width=max(width - 1, 40),
        initial_indent=indent,
        subsequent_indent=more or indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _printable(text: str) -> str:
    """Claim data shown on a terminal loses its control characters: an escape sequence in a
    claim id must not recolour, move or clear the coder's screen."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text
