"""People's email addresses: which a person has, and which person an address finds. Pure core.

An address lives on items (:attr:`respond.core.model.Item.addresses`): an ask filed from a
message keeps its sender's address, a wait filed from a message you sent keeps its recipient's,
and ``respond people email NAME ADDRESS`` adds one to the person's newest item. A person's
addresses are the union of their items' (so sync, import and export carry them as they carry
any field of an item). Addresses compare ignoring case (:func:`address_key`): no mail system
in use tells ``Dana@Example.com`` from ``dana@example.com``.
"""

from __future__ import annotations

from collections.abc import Iterable

from respond.core.errors import RespondError
from respond.core.model import Item
from respond.core.people import person_key
from respond.core.text import quoted

#: The longest address RFC 5321 allows (a path of 256 octets, less its angle brackets).
MAX_ADDRESS = 254


def address_key(address: str) -> str:
    """An address as stored and compared: stripped of spaces and angle brackets, lowercased."""
    return address.strip().strip("<>").strip().lower()


def parse_address(text: str) -> str:
    """An address the user typed (``people email``), as stored; :class:`RespondError` for
    something that is not one (one ``@`` with text on both sides, no spaces or controls)."""
    key = address_key(text)
    local, at, domain = key.rpartition("@")
    if (
        not at
        or not local
        or not domain
        or len(key) > MAX_ADDRESS
        or any(ch.isspace() or not ch.isprintable() or ch in '<>,;"' for ch in key)
    ):
        raise RespondError(f"{quoted(text)} is not an email address like dana@example.com")
    return key


def addresses_by_person(items: Iterable[Item]) -> dict[str, list[str]]:
    """Each person's addresses (by person key), in the order first seen (oldest item first)."""
    found: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: (i.created, i.id)):
        if not item.addresses:
            continue
        mine = found.setdefault(person_key(item.person), [])
        for address in item.addresses:
            if address not in mine:
                mine.append(address)
    return found


def person_of(items: Iterable[Item], address: str) -> str | None:
    """The name stored on the newest item that knows ``address``, or None: a known address
    finds its person whatever the display name on a message says."""
    key = address_key(address)
    best: Item | None = None
    for item in items:
        if key in item.addresses and (
            best is None or (item.created, item.id) > (best.created, best.id)
        ):
            best = item
    return best.person if best is not None else None
