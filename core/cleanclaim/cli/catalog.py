"""``rules``, ``rule ID``, ``plugins`` and ``schema``: what the engine knows, explained."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Any

from cleanclaim.cli.errors import CliInputError
from cleanclaim.engine import Engine, RegisteredRule


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("rules", help="list every rule of the loaded plugins")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run_rules)
    p = sub.add_parser("rule", help="explain one rule, by id (ICD104) or name")
    p.add_argument("id")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run_rule)
    p = sub.add_parser("plugins", help="list loaded plugins, their hooks and rules")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--config", metavar="FILE")
    p.set_defaults(func=run_plugins)
    p = sub.add_parser(
        "schema", help="print the JSON Schema of a claim, a report or a batch's invalid record"
    )
    p.add_argument("which", choices=("claim", "report", "invalid"))
    p.set_defaults(func=run_schema)


def _engine(args: argparse.Namespace) -> Engine:
    from cleanclaim.cli.common import build_engine

    args.payer = None
    return build_engine(args)


def rule_entry(reg: RegisteredRule) -> dict[str, Any]:
    """A rule's catalog entry as data (for JSON output and the docs generator)."""
    rule = reg.rule
    docs = rule.options_model.docs()
    return {
        "id": rule.id,
        "name": rule.name,
        "source": reg.source,
        "severity": rule.default_severity,
        "enabled_by_default": rule.enabled_by_default,
        "groups": list(rule.groups),
        "summary": rule.summary,
        "why": rule.why,
        "example": rule.example,
        "fix": rule.fix,
        "reference": rule.reference,
        "options": {
            k: {"default": v, "doc": docs.get(k, "")}
            for k, v in rule.options_model.defaults().items()
        },
        "example_claim": dict(rule.example_claim) if rule.example_claim else None,
    }


def run_rules(args: argparse.Namespace) -> int:
    engine = _engine(args)
    entries = [rule_entry(reg) for reg in engine.rules.values()]
    if args.format == "json":
        print(json.dumps(entries, indent=2, default=str))
        return 0
    for e in entries:
        state = "" if e["enabled_by_default"] else " (off unless a payer override enables it)"
        summary = e["summary"].split(". ")[0].rstrip(".")
        print(f"{e['id']:7} {e['source']:17} {e['severity']:8} {summary}{state}")
    return 0


def find_rule(engine: Engine, given: str) -> RegisteredRule:
    """The rule ``given`` names by id (any case) or by name (``icd-code-not-billable``),
    as ``select`` and ``ignore`` accept either; else an input error with the closest."""
    wanted = given.strip()
    reg = engine.rules.get(wanted.upper())
    if reg is not None:
        return reg
    by_name = {r.rule.name: r for r in engine.rules.values()}
    reg = by_name.get(wanted.lower())
    if reg is not None:
        return reg
    close = difflib.get_close_matches(wanted.upper(), list(engine.rules), n=3, cutoff=0.6)
    close += difflib.get_close_matches(wanted.lower(), list(by_name), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise CliInputError(
        f"no rule {wanted!r} (by id or name); {hint}`cleanclaim rules` lists them: "
        f"{', '.join(engine.rules)}"
    )


def run_rule(args: argparse.Namespace) -> int:
    engine = _engine(args)
    reg = find_rule(engine, args.id)
    e = rule_entry(reg)
    overrides = [
        {
            "payer": o.payer,
            "enabled": o.enabled,
            "severity": o.severity,
            "options": o.options,
            "dates": o.window(),
            "citation": o.citation,
            "reason": o.reason,
        }
        for o, _src in engine.payer_overrides
        if o.matches(reg.rule.id, reg.rule.groups) or o.rule == reg.source
    ]
    e["payer_overrides"] = overrides
    if args.format == "json":
        print(json.dumps(e, indent=2, default=str))
        return 0
    out = sys.stdout
    out.write(f"{e['id']} ({e['name']}) - {e['source']}, default severity {e['severity']}\n\n")
    for title, key in (
        ("What it finds", "summary"),
        ("Why it matters", "why"),
        ("Example", "example"),
        ("What to do instead", "fix"),
        ("Reference", "reference"),
    ):
        out.write(f"{title}\n  {e[key]}\n\n")
    if e["options"]:
        out.write("Options\n")
        for name, opt in e["options"].items():
            out.write(f"  {name} = {json.dumps(opt['default'], default=str)}  {opt['doc']}\n")
        out.write("\n")
    if overrides:
        out.write("Payer overrides\n")
        for o in overrides:
            change = (
                ", ".join(f"{k}={o[k]}" for k in ("enabled", "severity") if o[k] is not None)
                or "options"
            )
            out.write(f"  {o['payer']}: {change} ({o['dates']}); {o['citation']}\n")
    return 0


def run_plugins(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.format == "json":
        print(json.dumps(engine.describe(), indent=2, default=str))
        return 0
    for record in engine.plugins:
        print(f"{record.name} {record.version}: {record.summary}")
        print(f"  hooks: {', '.join(h.removeprefix('cleanclaim_') for h in record.hooks)}")
        print(f"  rules: {', '.join(record.rules) or '-'}")
        for note in record.deprecations:
            print(f"  deprecated: {note}")
    for failure in engine.load_failures:
        print(f"{failure.name} {failure.version}: NOT LOADED: {failure.error}")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from cleanclaim.schemas import json_schema

    print(json.dumps(json_schema(args.which), indent=2))
    return 0
