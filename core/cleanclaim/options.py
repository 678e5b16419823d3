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

from typing import Any, NoReturn


class ReadOnlyDict(dict[Any, Any]):
    """A ``dict`` whose every mutator raises ``TypeError`` (``refusal`` says why).

    A subclass rather than ``types.MappingProxyType``: reads stay the ``dict``'s own C
    methods (a proxy costs about 45% more a look-up), while ``d[k] = v``, ``clear()`` or
    ``pop()`` fail.  Shared by rule options and the engine's sealed tables.
    """

    __slots__ = ()
    refusal = "this mapping is read-only"

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
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
