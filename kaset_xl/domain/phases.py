"""Learning phases and the network seminar (seed 000 §5.1.2–§5.1.5): who may attend, and counts.

Phase 2 is for members who attended phase 1 and passed the Smart Farmer self-assessment; the
seminar is for the members of phase 2.  Each group's attendance is compared with the programme's
per-group targets (15 / 10 / 10 in FY2564).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kaset_xl.criteria import ProgrammeTargets

__all__ = ["Attendance", "PhaseCounts", "PhaseReport", "check_phases"]


@dataclass(frozen=True)
class Attendance:
    key: str  # who (citizen ID)
    group: str
    phase1: bool = False
    phase2: bool = False
    seminar: bool = False
    sf_passed: bool | None = None  # None: no Smart Farmer self-assessment recorded


@dataclass
class PhaseCounts:
    phase1: int = 0
    phase2: int = 0
    seminar: int = 0
    phase2_sf: int = 0  # phase-2 attendees who passed the Smart Farmer self-assessment ("passed and trained")


@dataclass
class PhaseReport:
    counts: dict[str, PhaseCounts] = field(default_factory=dict)  # group → counts
    violations: list[tuple[str, str]] = field(default_factory=list)  # (key, code)
    off_target: list[tuple[str, str, int, int]] = field(default_factory=list)  # (group, phase, count, target)


def check_phases(attendance: Iterable[Attendance], targets: ProgrammeTargets) -> PhaseReport:
    report = PhaseReport()
    for a in attendance:
        c = report.counts.setdefault(a.group, PhaseCounts())
        c.phase1 += a.phase1
        c.phase2 += a.phase2
        c.seminar += a.seminar
        c.phase2_sf += a.phase2 and bool(a.sf_passed)
        if a.phase2:
            if not a.phase1:
                report.violations.append((a.key, "PHASE2_NOT_PHASE1"))
            if not a.sf_passed:
                report.violations.append((a.key, "PHASE2_NOT_SMART_FARMER"))
        if a.seminar and not a.phase2:
            report.violations.append((a.key, "SEMINAR_NOT_PHASE2"))
    wanted = (("phase1", targets.members_phase1_per_group), ("phase2", targets.members_phase2_per_group),
              ("seminar", targets.members_seminar_per_group))
    for group, c in report.counts.items():
        for phase, target in wanted:
            n = getattr(c, phase)
            if n and n != target:
                report.off_target.append((group, phase, n, target))
    return report
