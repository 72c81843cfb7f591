"""What ``respond doctor`` found: each finding (its level, area, text and the repair that fixes
it, if any), and the report that says them and decides the exit status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from respond.core.errors import ExitStatus
from respond.core.text import visible

OK, NOTE, PROBLEM, UNUSABLE = "ok", "note", "problem", "unusable"


@dataclass
class Finding:
    level: str
    area: str
    text: str
    repair: Callable[[], str] | None = None


@dataclass
class Report:
    db: Path
    findings: list[Finding] = field(default_factory=list)
    newer: bool = False  # written by a newer respond: report only, repair nothing

    def add(
        self, level: str, area: str, text: str, repair: Callable[[], str] | None = None
    ) -> None:
        self.findings.append(Finding(level, area, text, repair))

    @property
    def exit_code(self) -> ExitStatus:
        levels = {f.level for f in self.findings}
        if UNUSABLE in levels:
            return ExitStatus.BAD_INPUT
        return ExitStatus.FAILED if PROBLEM in levels else ExitStatus.OK

    def lines(self) -> list[str]:
        out = [f"respond doctor: {visible(str(self.db))}"]
        out += [f"  {f.level:<8} {f.area}: {f.text}" for f in self.findings]
        bad = [f for f in self.findings if f.level in (PROBLEM, UNUSABLE)]
        fixable = sum(1 for f in bad if f.repair is not None)
        if not bad:
            out.append("healthy")
        else:
            summary = f"{len(bad)} problem{'s' if len(bad) != 1 else ''} found"
            if fixable:
                summary += f"; respond doctor --repair fixes {fixable} of them"
            out.append(summary)
        return out
