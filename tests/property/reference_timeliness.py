"""An independent, deliberately naive implementation of the timeliness rules (RULES T1-T6, T8, T9).

Plain Python, no SQL: it walks the calendar one day at a time and asks each day the questions the
rules ask ("is it a working day?", "did a suspension remove it?", "is it inside an exempt
window?"), instead of the platform's running working-day numbers. The property test compares it
with ``marts.case_timeliness`` on thousands of random cases.

All dates are Asia/Shanghai dates (T4). The calendar is the ``chinese-calendar`` package where it
has data and plain Mon-Fri beyond (T1, provisional).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)

# T6: share of the limit in which an open case is "approaching"; exact fractions, like SQL numerics.
APPROACHING_SHARE = Fraction(1, 5)
RISK_POINT_APPROACHING_SHARE = Fraction(1, 2)


def shanghai_date(instant: datetime) -> date:
    """The Beijing-time calendar date of an aware instant (T4)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: timeliness needs aware instants")
    return instant.astimezone(SHANGHAI).date()


@cache
def calendar_covers(day: date) -> bool:
    """Whether the chinese-calendar package has data for ``day``."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@cache
def is_workday(day: date) -> bool:
    """T1: the package's answer where it has one, else Monday to Friday (provisional)."""
    if calendar_covers(day):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def days_after(start: date) -> Iterator[date]:
    """start + 1, start + 2, ... (the start day itself is never counted, T2)."""
    day = start
    while True:
        day += ONE_DAY
        yield day


def days_between(after: date, up_to: date) -> Iterator[date]:
    """Every date d with after < d <= up_to."""
    day = after + ONE_DAY
    while day <= up_to:
        yield day
        day += ONE_DAY


def add_workdays(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself when count is 0)."""
    if count == 0:
        return start
    seen = 0
    for day in days_after(start):
        if is_workday(day):
            seen += 1
            if seen == count:
                return day
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Suspension:
    started_at: datetime
    ended_at: datetime | None = None  # still open


@dataclass(frozen=True)
class Exemption:
    scope: str  # city | department | case
    start_at: datetime
    end_at: datetime | None = None  # still open: covers every later day
    department_code: str | None = None
    case_no: str | None = None

    def covers_case(self, department_code: str, case_no: str) -> bool:
        if self.scope == "city":
            return True
        if self.scope == "department":
            return self.department_code == department_code
        if self.scope == "case":
            return self.department_code == department_code and self.case_no == case_no
        return False

    def covers_day(self, day: date) -> bool:
        if shanghai_date(self.start_at) > day:
            return False
        return self.end_at is None or day <= shanghai_date(self.end_at)


@dataclass(frozen=True)
class Case:
    department_code: str
    case_no: str
    accepted_at: datetime
    promised_limit_wd: int
    legal_limit_wd: int | None = None
    is_risk_point: bool = False
    completed_at: datetime | None = None
    suspensions: tuple[Suspension, ...] = ()
    extensions_wd: tuple[int, ...] = ()


@dataclass(frozen=True)
class Timeliness:
    elapsed_wd: int
    remaining_wd: int | None
    suspended_wd: int
    exempt_wd: int
    elapsed_calendar_days: int
    promised_due_date: date
    legal_due_date: date | None
    status: str
    legal_overdue: bool
    calendar_provisional: bool
    late_only_because_exempt: bool
    # not a mart column; handy when a disagreement is printed
    removed_days: tuple[date, ...] = field(default=(), compare=False)


def evaluate(case: Case, as_of: datetime, exemptions: Iterable[Exemption] = ()) -> Timeliness:
    """The timeliness facts of one case at evaluation time ``as_of``, straight from the rules."""
    accepted = shanghai_date(case.accepted_at)
    today = shanghai_date(as_of)
    completed = case.completed_at is not None
    # T4: a completed case is measured at its completion, an open one at the evaluation time.
    measured = shanghai_date(case.completed_at) if completed else today

    # T3: the (start, end] date windows of the suspensions, clipped to acceptance and measure date.
    windows = []
    for suspension in case.suspensions:
        start = max(shanghai_date(suspension.started_at), accepted)
        end = measured if suspension.ended_at is None else min(shanghai_date(suspension.ended_at), measured)
        windows.append((start, end))
    # Overlapping windows are one stop of the clock: (s1, e1] and (s2, e2] overlap when s2 < e1.
    merged: list[tuple[date, date]] = []
    for start, end in sorted(w for w in windows if w[1] > w[0]):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    windows = merged

    def removed(day: date) -> bool:
        """T3: a WD inside any suspension window; a set of days, so overlaps count once."""
        return is_workday(day) and any(start < day <= end for start, end in windows)

    def counts(day: date) -> bool:
        return is_workday(day) and not removed(day)

    # T2/T4: WD after the acceptance date up to the measure date that no suspension removed.
    span = list(days_between(accepted, measured))
    elapsed = sum(1 for day in span if counts(day))
    removed_days = tuple(day for day in span if removed(day))

    def due_date(limit: int) -> date:
        """The day on which the counted WD reach ``limit`` (removed WD push it later)."""
        if limit < 1:
            raise ValueError(f"a time limit is at least 1 WD, got {limit}")
        used = 0
        due = None
        for day in days_after(accepted):
            if due is None:
                if counts(day):
                    used += 1
                    if used == limit:
                        due = day
            elif is_workday(day):
                # T3/T4: a suspension begun by the due day (the limit runs to 24:00) stops the clock
                # there, so each WD it removes moves the due date one WD later.
                if any(start <= due < day <= end for start, end in windows):
                    due = day
                else:
                    return due
        raise AssertionError("unreachable")

    promised_limit = case.promised_limit_wd
    promised_due = due_date(promised_limit)
    if case.legal_limit_wd is None:
        legal_due = None
    else:
        # T8: approved extensions lengthen the legal limit only.
        legal_due = due_date(case.legal_limit_wd + sum(case.extensions_wd))

    if completed:
        # T5
        if measured < promised_due:
            status = "completed_early"
        elif measured == promised_due:
            status = "completed_on_time"
        else:
            status = "completed_late"
        remaining = None
    else:
        # T6
        remaining = promised_limit - elapsed
        share = RISK_POINT_APPROACHING_SHARE if case.is_risk_point else APPROACHING_SHARE
        if today > promised_due:
            status = "overdue"
        elif remaining <= math.ceil(promised_limit * share):
            status = "approaching"
        else:
            status = "in_progress"
    legal_overdue = legal_due is not None and measured > legal_due

    # T1: a day outside the package's data was used anywhere from the day after acceptance to
    # the latest date this case's results depend on.
    last = max(d for d in (measured, promised_due, legal_due) if d is not None)
    provisional = any(not calendar_covers(day) for day in days_between(accepted, last))

    # T9: counted WD inside an exempt window that covers the case, each once.
    covering = [e for e in exemptions if e.covers_case(case.department_code, case.case_no)]
    exempt = sum(1 for day in span if counts(day) and any(e.covers_day(day) for e in covering))
    late_only_because_exempt = (
        status in ("completed_late", "overdue") and exempt > 0 and measured <= add_workdays(promised_due, exempt)
    )

    return Timeliness(
        elapsed_wd=elapsed,
        remaining_wd=remaining,
        suspended_wd=len(removed_days),
        exempt_wd=exempt,
        elapsed_calendar_days=(measured - accepted).days,
        promised_due_date=promised_due,
        legal_due_date=legal_due,
        status=status,
        legal_overdue=legal_overdue,
        calendar_provisional=provisional,
        late_only_because_exempt=late_only_because_exempt,
        removed_days=removed_days,
    )
