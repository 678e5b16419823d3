"""The options mapping a rule's check function receives: read-only and hashable.

The engine resolves each rule's options once per payer profile and period (defaults,
then payer overrides, then configuration) and hands the same object to every claim and
thread that runs the rule.  Being read-only keeps one claim from changing what the next
one sees; being hashable (by identity) lets a rule remember what it derives from its
options, a compiled regular expression or parsed diagnosis patterns, with
``functools.lru_cache`` instead of rebuilding it claim after claim::

    @functools.lru_cache(maxsize=64)
    def _terms(options: Options) -> re.Pattern[str]:
        return re.compile("|".join(options["terms"]))
"""

from __future__ import annotations

from collections import abc
from collections.abc import Mapping
from types import UnionType
from typing import Any, Literal, NoReturn, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator
from pydantic.fields import FieldInfo


class ReadOnlyDict(dict[Any, Any]):
    """A ``dict`` whose every mutator raises ``TypeError`` (``refusal`` says why).

    A subclass rather than ``types.MappingProxyType``: reads stay the ``dict``'s own C
    methods (a proxy costs about 45% more a look-up), while ``d[k] = v``, ``clear()`` or
    ``pop()`` fail.  Shared by rule options and the engine's sealed tables.
    """

    __slots__ = ()
    refusal = "this mapping is read-only"

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Refuses the change: raises ``TypeError``, whatever it is given.

        :param args: what ``dict``'s mutator would take; ignored.
        :param kwargs: what ``dict``'s mutator would take; ignored.
        """
        raise TypeError(self.refusal)

    __setitem__ = _read_only
    __delitem__ = _read_only
    __ior__ = _read_only
    clear = _read_only
    pop = _read_only
    popitem = _read_only
    setdefault = _read_only
    update = _read_only

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a plain dict's items: the mutators above would refuse unpickling.
        return (type(self), (dict(self),))


class Options(ReadOnlyDict):
    """A rule's resolved options: a ``dict`` that refuses changes, hashed by identity.

    It compares equal to a plain ``dict`` with the same items (tests may say
    ``options == {...}``).  Its hash is its identity, so two equal ``Options`` objects may
    hash differently; a cache then merely derives the same value twice.  Values are
    frozen too: lists arrive as tuples, tables as read-only mappings.
    """

    __slots__ = ()

    # object's own identity hash, in C: a rule may look its options up claim after claim.
    __hash__ = object.__hash__  # type: ignore[assignment]

    refusal = "rule options are read-only: they are shared by every claim"


def freeze(value: Any) -> Any:
    """An option value as rules see it: lists become tuples, tables read-only mappings.

    Options are shared by every claim (and thread) that runs the rule, so a rule must not
    be able to change them; tuples are also hashable, so what a rule derives from an
    option can be remembered.

    :param value: an option value as configured (TOML or Python).
    """
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, Mapping):
        return ReadOnlyDict({k: freeze(v) for k, v in value.items()})
    return value


class RuleOptions(BaseModel):
    """A rule's typed options: subclass it, one field per option, with its default and
    its ``description``, and name the class in the rule's ``options=``::

        class Options(RuleOptions):
            method: Literal["eight-minute", "per-code"] = Field(
                "eight-minute", description="How minutes become units."
            )

    Values from the configuration and payer override files are validated against it when
    the engine is built, strictly (``"no"`` is not ``false``, ``"10"`` is not ``10``), and
    a value the model refuses is a configuration error naming the rule, the option and
    what it allows.  The check function receives one frozen instance per payer profile and
    period, the same object for every claim: what a rule derives from its options (a
    compiled pattern, parsed diagnosis ranges) belongs in a ``functools.cached_property``
    of the model, computed once.  Defaults live here and nowhere else.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    def __hash__(self) -> int:
        # By identity, like `Options`: the engine shares one instance per profile and
        # period, and a mapping field would make a field hash fail.
        return id(self)

    @model_validator(mode="before")
    @classmethod
    def _frozen_input(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: freeze(v) for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _frozen_tables(self) -> RuleOptions:
        for name, value in self.__dict__.items():
            if isinstance(value, dict) and not isinstance(value, ReadOnlyDict):
                object.__setattr__(self, name, freeze(value))
        return self

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every option with its default (as written in the model)."""
        return {name: f.get_default(call_default_factory=True) for name, f in _fields(cls)}

    @classmethod
    def docs(cls) -> dict[str, str]:
        """Every option with its description."""
        return {name: f.description or "" for name, f in _fields(cls)}

    @classmethod
    def allowed(cls, name: str) -> str:
        """What option ``name`` takes, in words: its choices, or the kind of value.

        :param name: one of the model's options.
        """
        return _allowed(cls.model_fields[name].annotation)

    @classmethod
    def problem(cls, rule_id: str, name: str, value: Any) -> str | None:
        """Why ``value`` cannot be option ``name`` (None: it can), naming what is allowed.

        :param rule_id: the rule, for the message.
        :param name: the option as configured.
        :param value: its configured value.
        """
        fields = cls.model_fields
        if name not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            return f"no such option of {rule_id}; allowed: {allowed}"
        try:
            cls.model_validate({name: value})
        except ValidationError as exc:
            allowed = cls.allowed(name)
            if get_origin(fields[name].annotation) is Literal:
                return f"{value!r} is not allowed; allowed: {allowed}"
            default = fields[name].get_default(call_default_factory=True)
            kind = _kind(fields[name].annotation)
            if kind is not None and (
                not isinstance(freeze(value), kind) or (isinstance(value, bool) != (kind is bool))
            ):
                return f"{value!r} is not {allowed} (the default is {default!r})"
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:])
            return f"{value!r}: {where + ': ' if where else ''}{first['msg']} (allowed: {allowed})"
        return None

    @classmethod
    def resolve(cls, *layers: Mapping[str, Any]) -> Self:
        """The options after the defaults, then each layer (payer overrides, configuration).

        :param layers: option values by name, later layers winning.
        """
        merged: dict[str, Any] = {}
        for layer in layers:
            merged.update(layer)
        return cls.model_validate(merged)


class NoOptions(RuleOptions):
    """The options of a rule that has none."""


def legacy_options(
    rule_id: str,
    defaults: Mapping[str, Any],
    choices: Mapping[str, tuple[Any, ...]],
    docs: Mapping[str, str],
) -> type[RuleOptions]:
    """A typed options model for a rule written for plugin API 1 (``options`` a mapping of
    defaults, ``option_choices`` and ``option_docs`` beside it): each option takes one of
    its choices, else a value of its default's kind, as API 1 allowed.

    :param rule_id: the rule, for the model's name and messages.
    :param defaults: each option's default.
    :param choices: the values some options are limited to.
    :param docs: each option's description.
    :raises ValueError: a choice names no option, or a default is outside its choices.
    """
    for name in choices:
        if name not in defaults:
            raise ValueError(f"rule {rule_id}: option_choices names no option {name!r}")
        if defaults[name] not in choices[name]:
            raise ValueError(f"rule {rule_id}: option {name!r} defaults outside its choices")
    fields: dict[str, Any] = {}
    for name, default in defaults.items():
        kind: Any
        if name in choices:
            kind = Literal[tuple(choices[name])]
        elif default is None:
            kind = Any
        elif isinstance(default, bool):
            kind = bool
        elif isinstance(default, int | float):
            kind = int | float
        elif isinstance(default, str):
            kind = str
        elif isinstance(default, list | tuple):
            kind = tuple[Any, ...]
        elif isinstance(default, Mapping):
            kind = Mapping[str, Any]
        else:
            kind = Any
        fields[name] = (kind, Field(freeze(default), description=docs.get(name, "")))
    model: type[RuleOptions] = create_model(f"{rule_id}Options", __base__=RuleOptions, **fields)
    return model


def as_mapping(options: RuleOptions) -> Options:
    """API 1 rules receive their options as a read-only mapping, not the model.

    :param options: the resolved options model.
    """
    return Options({name: freeze(getattr(options, name)) for name in type(options).model_fields})


def _fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    return list(model.model_fields.items())


def _kind(annotation: Any) -> type | tuple[type, ...] | None:
    """The Python types a value of ``annotation`` is, for the plain kinds."""
    origin = get_origin(annotation) or annotation
    if origin is bool:
        return bool
    if origin is int:
        return int
    if origin is float or (origin in (Union, UnionType) and _numeric(annotation)):
        return (int, float)
    if origin is str:
        return str
    if origin in (tuple, list, frozenset, set):
        return tuple
    if origin in (dict, Mapping, abc.Mapping):
        return abc.Mapping
    return None


def _numeric(annotation: Any) -> bool:
    return all(a in (int, float) for a in get_args(annotation))


def _allowed(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return ", ".join(repr(c) for c in get_args(annotation))
    kind = _kind(annotation)
    words = {
        bool: "true or false",
        str: "a string",
        tuple: "a list",
        abc.Mapping: "a table",
    }
    if kind is int:
        return "a whole number"
    if kind == (int, float):
        return "a number"
    if isinstance(kind, type):
        return words.get(kind, "a value")
    return "a value of the option's type"
