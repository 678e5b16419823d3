"""What plugins contribute to an engine, and the rule contract: the plugin API's address.

A plugin imports from here what it contributes, validated once when the engine is built
(`Procedure`, `Pairing`, `ProcedureEdit`, `UnitLimit`, `DocumentationCheck`,
`IntegralPair`, `PayerOverride`, `Synonym`, the diagnosis patterns they name) and the rule
contract (`Rule`, `Scope`, `Hit`).  Their homes are `cleanclaim.plugin_data` (the data,
a floor below the claim's context and the engine's tables, which read it),
`cleanclaim.codes` (`DiagnosisPattern`) and `cleanclaim.rule` (the contract, a floor
above them: a rule's check reads the context).  This module only gathers them, at the
rule contract's floor, so that the plugin API stays one address without an import circle.
"""

from __future__ import annotations

from cleanclaim.codes import DiagnosisPattern as DiagnosisPattern
from cleanclaim.plugin_data import Dated as Dated
from cleanclaim.plugin_data import DocumentationCheck as DocumentationCheck
from cleanclaim.plugin_data import DocumentationElement as DocumentationElement
from cleanclaim.plugin_data import IntegralPair as IntegralPair
from cleanclaim.plugin_data import Pairing as Pairing
from cleanclaim.plugin_data import PayerOverride as PayerOverride
from cleanclaim.plugin_data import PayerScoped as PayerScoped
from cleanclaim.plugin_data import Procedure as Procedure
from cleanclaim.plugin_data import ProcedureCode as ProcedureCode
from cleanclaim.plugin_data import ProcedureEdit as ProcedureEdit
from cleanclaim.plugin_data import Synonym as Synonym
from cleanclaim.plugin_data import UnitLimit as UnitLimit
from cleanclaim.rule import RULE_ID as RULE_ID
from cleanclaim.rule import CheckFunction as CheckFunction
from cleanclaim.rule import Hit as Hit
from cleanclaim.rule import Rule as Rule
from cleanclaim.rule import Scope as Scope

#: what this page of the API documents: the contributions.  The rule contract's names
#: (Rule, Scope, Hit, CheckFunction, RULE_ID) are importable from here too and documented
#: on their own page, `cleanclaim.rule`.
__all__ = [
    "Dated",
    "DiagnosisPattern",
    "DocumentationCheck",
    "DocumentationElement",
    "IntegralPair",
    "Pairing",
    "PayerOverride",
    "PayerScoped",
    "Procedure",
    "ProcedureCode",
    "ProcedureEdit",
    "Synonym",
    "UnitLimit",
]
