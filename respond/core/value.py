"""Plain classes that behave as dataclasses, without compiling code at import.

``@dataclass`` writes the source of ``__init__``, ``__eq__``, ``__repr__`` (and, frozen,
``__setattr__``, ``__delattr__``, ``__hash__``) for each class and compiles it when the module
is imported: about half a millisecond a class, paid by every command that imports it, though
most runs never compare or show one. A class here lists its fields in ``__slots__`` (in the
order a dataclass would), writes its ``__init__`` by hand, and inherits the rest from one of
the two bases below, compiled once: equal when of the same class with equal fields (as a
dataclass), shown as ``Name(field=value, ...)``.

- :class:`Record`: mutable, unhashable (a dataclass with ``eq=True``);
- :class:`Value`: read-only after ``__init__`` and hashable by its fields (``frozen=True``);
  its ``__init__`` sets fields with ``object.__setattr__``, as a frozen dataclass does.

Zero imports at run time: cheap for any module.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, Self


class Record:
    """Fields in ``__slots__``, compared and shown by them."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._fields() == other._fields()

    # (defining __eq__ alone makes a class unhashable, as a mutable dataclass is)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, as ``dataclasses.replace``: made through ``__init__``, whose
        parameters are the fields."""
        return self.__class__(**{name: getattr(self, name) for name in self.__slots__} | changes)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({shown})"


class Value(Record):
    """A :class:`Record` that cannot change after ``__init__``, hashable by its fields."""

    __slots__: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        """Copied and pickled through ``__init__`` (whose parameters are the fields, in
        order), since the fields cannot be set afterwards."""
        return self.__class__, self._fields()
