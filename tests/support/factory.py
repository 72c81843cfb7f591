"""Reproducible databases of realistic activity, for tests and benchmarks.

The generator replays a working life through the real core (``respond.core.actions``) with a moving
clock, so every history looks exactly like one the CLI would write: asks arrive by channel
during working hours and are acknowledged, answered (mostly in time, sometimes late), dropped
or left open; promises are kept or broken; you wait on colleagues on behalf of asks and relay
their answers; follow-ups are scheduled by ``done`` and mostly done; thanks are logged. Items
near the end stay open, some overdue. Same seed, same database, byte for byte (apart from
UUIDs, which are derived from the seed too).

``generate()`` returns the items; ``write()`` stores them through ``respond.storage.database``;
``MemorySession`` is the core's Session over a dict. From the command line, through
``benchmarks/generate.py``:

    python benchmarks/generate.py --items 10000 --out /tmp/r10k.json [--seed 7] [--end ISO]
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from respond.core import actions
from respond.core.actions import Env
from respond.core.clock import FixedClock, to_local
from respond.core.errors import NotFound
from respond.core.model import Item
from respond.core.settings import Settings
from respond.storage.database import Store

DEFAULT_END = datetime.fromisoformat("2026-11-25T10:00:00+00:00")
PER_WORKDAY = 14  # a heavy user: 10-20 items a day
ITEMS_PER_ARRIVAL = 1.55  # follow-ups and waiting-ons come on top of what arrives

PEOPLE = [
    "Dana Whitfield", "Bob Okafor", "Jane Liu", "Sam Patel", "Lee Moreno", "Kim Andersen",
    "Pat O'Brien", "Ann Kowalski", "Raj Mehta", "Eve Laurent", "Tom Becker", "Zoë Martin",
    "Ines García", "Omar Haddad", "Yuki Tanaka", "Chris Nolan", "Marta Silva", "Ivan Petrov",
    "Grace Hopper", "Noah Schmidt", "Lina Berg", "Alex Kim", "Priya Nair", "Hugo Durand",
    "Sofia Rossi", "Ben Carter", "Mia Jensen", "Luca Bianchi", "Nora Fischer", "Jamal Wright",
]  # fmt: skip
TOPICS = [
    "Q3 numbers", "VPN access", "budget sign-off", "laptop refresh", "invoice 4471",
    "expense report", "the vendor contract", "onboarding checklist", "printer on 3rd floor",
    "access to the shared drive", "slides for Monday", "travel approval", "the audit sample",
    "license renewal", "headcount plan", "password reset", "payroll question", "the roadmap",
    "meeting notes", "a reference letter", "the release date", "server migration",
]  # fmt: skip
ASK_FORMS = ["Can you send {t}?", "Question about {t}", "Help with {t}", "{t}", "Update on {t}?"]
CHANNEL_WEIGHTS = {"email": 45, "phone": 15, "chat": 20, "in-person": 12, "meeting": 8}
FIRST_NAMES = [
    "Ada", "Ben", "Cara", "Dev", "Elif", "Finn", "Gia", "Hamid", "Iris", "Jon", "Kofi", "Lara",
    "Milo", "Nia", "Oskar", "Paula", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen",
    "Xavi", "Yara", "Zane", "Aiko", "Bram", "Chloe", "Dmitri", "Esme", "Femi", "Gus", "Hana",
    "Ilse", "Jakob", "Keira", "Leon", "Maya", "Nils", "Olga", "Pablo", "Rhea", "Sami", "Theo",
    "Uma", "Vik", "Willa", "Yusuf", "Zora",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Baker", "Costa", "Dubois", "Eriksen", "Fong", "Gupta", "Horvat", "Ito", "Jones",
    "Kaur", "Lindqvist", "Mensah", "Novak", "Ortiz", "Park", "Quist", "Reyes", "Sato", "Tan",
    "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zimmer", "Adeyemi", "Brandt", "Chen", "Diaz",
    "Evans", "Farouk", "Garcia", "Holm", "Iqbal", "Jansen", "Kowal", "Lopez", "Moreau", "Nakamura",
]  # fmt: skip
#: The exponent of the Zipf-like spread of ``people(n)``: the k-th most frequent person gets
#: a share proportional to 1 / k**ZIPF. With 10,000 items and 200 people, the first few have
#: hundreds of items and the last hundred a handful each, as in a real working life.
ZIPF = 1.0


def people(n: int) -> list[str]:
    """``n`` distinct names, most frequent first: the 30 of ``PEOPLE``, then first-last pairs
    (up to 30 + 50 x 40)."""
    names = list(PEOPLE[:n])
    seen = set(names)
    k = 0
    while len(names) < n:
        first, last = k % len(FIRST_NAMES), k // len(FIRST_NAMES)
        if last >= len(LAST_NAMES):
            raise ValueError(f"at most {len(PEOPLE) + len(FIRST_NAMES) * len(LAST_NAMES)} people")
        name = f"{FIRST_NAMES[first]} {LAST_NAMES[(first + last) % len(LAST_NAMES)]}"
        k += 1
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


@dataclass
class MemorySession:
    """The core's Session protocol over a dict: the generator's scratch space."""

    store: dict[int, Item] = field(default_factory=dict)
    counter: int = 0
    people: dict[str, int] = field(default_factory=dict)  # kept as items are added

    def items(self) -> dict[int, Item]:
        return self.store

    def known_names(self) -> dict[str, str]:
        from respond.core.people import known_names

        return known_names(self.person_counts().items())

    def person_counts(self) -> dict[str, int]:
        return self.people

    def get(self, item_id: int) -> Item:
        try:
            return self.store[item_id]
        except KeyError:
            raise NotFound(f"no item #{item_id}") from None

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def put(self, item: Item) -> None:
        if item.id not in self.store:  # the generator never changes an item's person
            self.people[item.person] = self.people.get(item.person, 0) + 1
        self.store[item.id] = item

    def delete(self, item_id: int, deleted_at: datetime | None = None) -> None:
        self.store.pop(item_id, None)

    def push_journal(self, entry: dict[str, Any]) -> None:
        pass

    def pop_journal(self) -> dict[str, Any] | None:
        return None

    def keep_changes(self, ids: Iterable[int]) -> None:
        pass


class Life:
    """Replays a working life into a :class:`MemorySession`."""

    def __init__(
        self, seed: int, end: datetime, tz: Any = None, n_people: int | None = None
    ) -> None:
        self.rng = random.Random(seed)
        if n_people is None:  # the original 30, a gentle spread (fixtures depend on it)
            self.names = PEOPLE
            weights = [1 / (i + 1) ** 0.7 for i in range(len(PEOPLE))]
        else:  # a long tail: a few people with hundreds of items, hundreds with a few
            self.names = people(n_people)
            weights = [1 / (i + 1) ** ZIPF for i in range(n_people)]
        self.cum_weights = list(accumulate(weights))
        self.long_tail = n_people is not None
        self.drawn = ""
        self.unseen = 0  # with n_people: names before this one have all been met
        self.progress = (0, 1)  # (arrivals so far, arrivals in all)
        self.end = end
        self.tz = tz
        self.settings = Settings()
        self.session = MemorySession()
        self.pending: list[tuple[datetime, int, str, int]] = []  # (when, seq, action, item)
        self.seq = 0

    def env(self, at: datetime) -> Env:
        return Env(clock=FixedClock(at, self.tz), settings=self.settings)

    def later(self, at: datetime, action: str, item_id: int) -> None:
        if at < self.end:
            self.seq += 1
            self.pending.append((at, self.seq, action, item_id))

    def person(self) -> str:
        # a few people ask far more than others
        self.drawn = self.rng.choices(self.names, cum_weights=self.cum_weights)[0]
        if self.long_tail:  # everyone appears: the unseen are met, in rank order, in time
            names, known = self.names, self.session.people
            while self.unseen < len(names) and names[self.unseen] in known:
                self.unseen += 1
            done, total = self.progress
            left = 0.9 * total - done  # (the first 5% or so are trimmed: meet them after 10%)
            if (
                self.unseen < len(names)
                and done >= 0.1 * total
                and (left <= 0 or self.rng.random() < (len(names) - self.unseen) / left)
            ):
                self.drawn = names[self.unseen]
        return self.drawn

    def new(self) -> bool:
        """Whether the person just drawn (:meth:`person`) is met for the first time, with
        ``n_people`` (then filed as a new person: among hundreds of generated names, "Jon
        Jones" would otherwise match a known Jones or two); without, always False, as before."""
        return self.long_tail and self.drawn not in self.session.people

    def title(self) -> str:
        return self.rng.choice(ASK_FORMS).format(t=self.rng.choice(TOPICS))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def new_item(self, at: datetime) -> None:
        rng, env = self.rng, self.env(at)
        roll = rng.random()
        s = self.session
        if roll < 0.58:
            channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
            tags = [rng.choice(["finance", "it", "hr", "ops"])] if rng.random() < 0.3 else []
            ask = actions.add_ask(
                s, env, self.title(), self.person(), channel, tags=tags, new_person=self.new()
            ).items[0]
            assert ask.due is not None
            fate = rng.random()
            if fate < 0.35:  # acknowledged first, then done
                self.later(at + self.hours(0.1, 3), "ack", ask.id)
            elif fate < 0.85:  # answered straight away or a little late
                answer = (
                    at + self.hours(0.2, 6) if rng.random() < 0.8 else ask.due + self.hours(1, 30)
                )
                self.later(answer, "done", ask.id)
            elif fate < 0.93:
                self.later(at + self.hours(2, 60), "drop", ask.id)
            else:  # forgotten, until a weekly review drops it
                self.later(at + self.hours(240, 720), "drop", ask.id)
            if rng.random() < 0.15:  # you ask a colleague on its behalf
                waiting = actions.add_waiting(
                    s,
                    env,
                    f"Ask about {ask.title}",
                    self.person(),
                    for_id=ask.id,
                    new_person=self.new(),
                ).items[0]
                self.later(at + self.hours(1, 40), "done", waiting.id)
        elif roll < 0.74:
            by = rng.choice(["tomorrow", "fri", "2bd", "eod", "3d", "next mon"])
            promise = actions.add_promise(
                s, env, f"Send {rng.choice(TOPICS)}", self.person(), by, new_person=self.new()
            )
            item = promise.items[0]
            assert item.due is not None
            kept = rng.random() < 0.8
            when = (
                at + (item.due - at) * rng.uniform(0.2, 0.95)
                if kept
                else item.due + self.hours(2, 48)
            )
            self.later(when, "done" if rng.random() < 0.95 else "drop", item.id)
        elif roll < 0.86:
            asked = actions.add_waiting(
                s, env, f"Ask about {rng.choice(TOPICS)}", self.person(), new_person=self.new()
            )
            answered = rng.random() < 0.85
            delay = self.hours(1, 72) if answered else self.hours(120, 480)
            self.later(at + delay, "done" if answered else "drop", asked.items[0].id)
        else:
            actions.thank(s, env, self.person(), f"for help with {rng.choice(TOPICS)}", self.new())

    def act(self, at: datetime, action: str, item_id: int) -> None:
        s, env = self.session, self.env(at)
        item = s.store.get(item_id)
        if item is None or not item.is_open:
            return
        if action == "ack":
            actions.ack(s, env, item_id, self.rng.choice(["tomorrow", "eod", "fri", "2bd"]))
            promised = s.store[item_id].due
            assert promised is not None
            kept = self.rng.random() < 0.8
            when = at + (promised - at) * 0.7 if kept else promised + self.hours(1, 24)
            self.later(when, "done", item_id)
        elif action == "done":
            outcome = actions.complete(s, env, item_id, no_follow_up=self.rng.random() < 0.3)
            for follow in outcome.items[1:]:
                assert follow.due is not None
                fate = self.rng.random()
                if fate < 0.7:
                    self.later(follow.due - self.hours(0, 20), "done", follow.id)
                elif fate < 0.9:
                    self.later(follow.due + self.hours(25, 80), "done", follow.id)
                else:
                    self.later(follow.due + self.hours(100, 500), "drop", follow.id)
            # relay answers back: finishing a waiting item lets its ask be done soon after
            if item.kind == "waiting" and item.for_id is not None and self.rng.random() < 0.8:
                self.later(at + self.hours(0.2, 8), "done", item.for_id)
        elif action == "drop":
            actions.drop(s, env, item_id)

    def run(self, n_items: int) -> list[Item]:
        """Generate until there are ``n_items`` items; the last ones end near ``self.end``."""
        target = int(n_items / ITEMS_PER_ARRIVAL * 1.05) + 50
        day = to_local(self.end, self.tz).date() + timedelta(days=1)
        arrivals: list[datetime] = []
        while len(arrivals) < target:  # walk back from the end, a working day at a time
            day -= timedelta(days=1)
            if not self.settings.week.is_workday(day):
                continue
            opening = self.settings.week.end_of_day(day, self.tz) - timedelta(hours=8)
            count = self.rng.randint(PER_WORKDAY - 4, PER_WORKDAY + 4)
            arrivals.extend(
                opening + timedelta(minutes=self.rng.uniform(0, 540)) for _ in range(count)
            )
        arrivals.sort()
        arrivals = [a for a in arrivals if a < self.end]
        for done, at in enumerate(arrivals):
            self.progress = (done, len(arrivals))
            self.pending.sort(reverse=True)
            while self.pending and self.pending[-1][0] <= at:
                when, _, action, item_id = self.pending.pop()
                self.act(when, action, item_id)
            self.new_item(at)
        self.pending.sort(reverse=True)
        while self.pending:
            when, _, action, item_id = self.pending.pop()
            self.act(when, action, item_id)
        items = sorted(self.session.store.values(), key=lambda i: i.id)[-n_items:]
        return self.renumber(items)

    def renumber(self, items: list[Item]) -> list[Item]:
        """IDs 1..n (links to trimmed items dropped) and UUIDs derived from the seed."""
        new_id = {item.id: n for n, item in enumerate(items, start=1)}
        new_uuid: dict[str, str] = {}
        for item in items:
            item.id = new_id[item.id]
            item.for_id = new_id.get(item.for_id) if item.for_id is not None else None
            new_uuid[item.uuid] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            item.uuid = new_uuid[item.uuid]
        for item in items:
            for event in item.history:
                if "followup_id" in event:
                    event["followup_id"] = new_id.get(event["followup_id"])
                if "followup_uuid" in event:
                    event["followup_uuid"] = new_uuid.get(event["followup_uuid"])
        return items


def generate(
    n_items: int,
    seed: int = 7,
    end: datetime = DEFAULT_END,
    tz: Any = None,
    n_people: int | None = None,
) -> list[Item]:
    """``n_items`` realistic items whose activity ends at ``end``; with ``n_people``, spread
    over that many people with a long tail (:data:`ZIPF`), else over the 30 of ``PEOPLE``."""
    return Life(seed, end, tz, n_people).run(n_items)


def write(path: Path, items: list[Item]) -> None:
    """Store generated items as a fresh respond database at ``path``."""
    path.unlink(missing_ok=True)
    with Store(path, explicit=True).transaction() as tx:
        tx.put_many(items)
