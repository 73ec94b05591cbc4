"""Property test: ``marts.case_timeliness`` agrees with an independent Python reading of the rules.

Each Hypothesis example is one evaluation time and one random seed. From the seed a batch of
over a thousand cases is generated (acceptances from December 2025 to December 2026, on working
days, weekends and holidays and near midnight Beijing time; limits of 1 to 20 WD, some without a
legal limit, some risk points; overlapping, open and pre-acceptance suspensions; extensions;
completions, some on holidays; exempt windows of every scope), written to one department and one
supervision exchange database, and run through the real pipeline once (prepare, ingest, dbt
build). Every row of the mart is then compared column by column with ``reference_timeliness``.

A dbt build takes about ten seconds, so there are few examples, each large, and no shrinking: a
disagreement is reported with the inputs of the first rows that disagree instead.

The reference implementation itself is pinned by hand-computed cases at the bottom.
"""

from __future__ import annotations

import math
import random
import time
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange
from tests.property.reference_timeliness import (
    Case,
    Exemption,
    Suspension,
    Timeliness,
    add_workdays,
    calendar_covers,
    evaluate,
    is_workday,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
DEPARTMENT = "SCJGJ"
OTHER_DEPARTMENT = "ZJJ"
CASES_PER_EXAMPLE = 1500
FIRST_ACCEPTANCE = date(2025, 12, 1)
LAST_ACCEPTANCE = date(2026, 12, 31)

COMPARED = (
    "elapsed_wd",
    "remaining_wd",
    "suspended_wd",
    "exempt_wd",
    "elapsed_calendar_days",
    "promised_due_date",
    "legal_due_date",
    "status",
    "legal_overdue",
    "calendar_provisional",
    "late_only_because_exempt",
)
DATABASES = ("prop_exchange", "prop_office", "prop_warehouse")


def beijing(day: date, seconds: int) -> datetime:
    """An instant given as a Beijing date and seconds after its midnight, stored in UTC."""
    return (datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(seconds=seconds)).astimezone(UTC)


def interesting_days() -> list[date]:
    """Holidays on weekdays, make-up working days on weekends, their neighbours, and the year end."""
    days = set()
    day = FIRST_ACCEPTANCE - timedelta(days=3)
    while day <= date(2027, 1, 10):
        if calendar_covers(day) and is_workday(day) != (day.weekday() < 5):
            days.update(day + timedelta(days=k) for k in (-1, 0, 1))
        day += timedelta(days=1)
    days.update(date(2026, 12, 31) - timedelta(days=k) for k in range(12))
    return sorted(days)


INTERESTING_DAYS = interesting_days()


def workdays_before(day: date, count: int) -> date:
    """The latest acceptance date with exactly ``count`` working days after it up to ``day``."""
    while count > 0:
        count -= is_workday(day)
        day -= timedelta(days=1)
    return day


class BatchGenerator:
    """One batch of random cases and exempt windows, all known by the evaluation time."""

    def __init__(self, seed: int, as_of: datetime) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.today = as_of.astimezone(SHANGHAI).date()

    def seconds_of_day(self) -> int:
        """Often within ten minutes of midnight Beijing time, else office hours."""
        pick = self.rng.random()
        if pick < 0.2:
            return self.rng.randrange(0, 600)
        if pick < 0.4:
            return 86_400 - 1 - self.rng.randrange(0, 600)
        return self.rng.randrange(8 * 3600, 18 * 3600)

    def instant(self, day: date) -> datetime:
        return min(beijing(day, self.seconds_of_day()), self.as_of)

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        if self.rng.random() < 0.3:
            special = [d for d in INTERESTING_DAYS if first <= d <= last]
            if special:
                return self.rng.choice(special)
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def power(self) -> tuple[int, int | None, bool]:
        rng = self.rng
        promised = rng.choice([1, 1, 2, 3, 5, 5, 10, 15, 20, 20, rng.randint(1, 20), rng.randint(1, 20)])
        legal = None if rng.random() < 0.2 else promised + rng.choice([0, 0, 2, 5, 10, 15])
        return promised, legal, rng.random() < 0.2

    def case(self, number: int) -> Case:
        rng = self.rng
        case_no = f"C{number:05d}"
        promised, legal, risk = self.power()
        last_acceptance = min(LAST_ACCEPTANCE, self.today)
        if rng.random() < 0.45:  # recent enough to be still running at the evaluation time
            first_acceptance = self.today - timedelta(days=int(promised * 1.6) + 10)
        else:
            first_acceptance = self.today - timedelta(days=400)
        first_acceptance = min(max(FIRST_ACCEPTANCE, first_acceptance), last_acceptance)
        accepted_day = self.day_between(first_acceptance, last_acceptance)
        # Some open cases sit right on the yellow-light threshold N - ceil(N * share) (T6).
        on_threshold = rng.random() < 0.08
        if on_threshold:
            share = Fraction(1, 2) if risk else Fraction(1, 5)
            used = max(0, promised - math.ceil(promised * share) + rng.choice([-1, 0, 0, 1]))
            accepted_day = max(FIRST_ACCEPTANCE, min(last_acceptance, workdays_before(self.today, used)))
        accepted_at = self.instant(accepted_day)
        accepted = accepted_at.astimezone(SHANGHAI).date()
        horizon = max(1, (self.today - accepted).days)

        completed_at = None
        if not on_threshold and rng.random() < 0.5:
            pick = rng.random()
            if pick < 0.2:  # on a weekend or a holiday
                start = accepted + timedelta(days=rng.randint(0, 2 * promised + 3))
                day = next(d for d in (start + timedelta(days=k) for k in range(30)) if not is_workday(d))
            elif pick < 0.55:  # around the nominal due date
                day = add_workdays(accepted, promised) + timedelta(days=rng.randint(-2, 2))
            else:
                day = accepted + timedelta(days=rng.randint(0, int(promised * 1.6) + 8))
            candidate = max(self.instant(day), accepted_at)
            if candidate < self.as_of:
                completed_at = candidate

        suspensions = []
        count = 0 if on_threshold else rng.choices([0, 1, 2, 3], weights=[50, 25, 15, 10])[0]
        for _ in range(count):
            if suspensions and rng.random() < 0.4:  # overlapping the previous one
                previous = suspensions[-1]
                first = previous.started_at.astimezone(SHANGHAI).date()
                last = (previous.ended_at or self.as_of).astimezone(SHANGHAI).date()
                start_day = self.day_between(first, last)
            else:
                start_day = accepted + timedelta(days=rng.randint(-5, min(horizon, 3 * promised + 10)))
            started_at = self.instant(start_day)
            ended_at = None
            if rng.random() < 0.75:
                ended = beijing(start_day + timedelta(days=rng.randint(0, 20)), self.seconds_of_day())
                ended_at = max(ended, started_at) if ended <= self.as_of else None
            suspensions.append(Suspension(started_at, ended_at))

        extensions = ()
        if rng.random() < (0.25 if legal is not None else 0.05):
            extensions = tuple(rng.randint(1, 10) for _ in range(rng.choice([1, 1, 2])))
        return Case(
            DEPARTMENT, case_no, accepted_at, promised, legal, risk, completed_at, tuple(suspensions), extensions
        )

    def exemption(self, scope: str, department_code: str | None = None, case_no: str | None = None) -> Exemption:
        # half of them recent, where they touch cases still running or just overdue
        first = self.today - timedelta(days=15) if self.rng.random() < 0.5 else FIRST_ACCEPTANCE
        start_day = self.day_between(first, self.today)
        start_at = self.instant(start_day)
        end_at = None
        if self.rng.random() < 0.9:
            end_at = max(start_at, self.instant(start_day + timedelta(days=self.rng.choice([0, 0, 1, 2, 4]))))
        return Exemption(scope, start_at, end_at, department_code, case_no)

    def batch(self, size: int) -> tuple[list[Case], list[Exemption]]:
        cases = [self.case(n) for n in range(size)]
        exemptions = [self.exemption("city") for _ in range(2)]
        exemptions += [self.exemption("department", DEPARTMENT) for _ in range(2)]
        exemptions.append(self.exemption("department", OTHER_DEPARTMENT))
        picked = self.rng.sample(cases, 40)
        exemptions += [self.exemption("case", DEPARTMENT, c.case_no) for c in picked[:35]]
        # the same case numbers in another department are not these cases
        exemptions += [self.exemption("case", OTHER_DEPARTMENT, c.case_no) for c in picked[35:]]
        return cases, exemptions


def uploaded(as_of: datetime, *instants: datetime | None) -> datetime:
    """Uploaded an hour after the row's latest event, but never after the evaluation time."""
    return min(max(i for i in instants if i is not None) + timedelta(hours=1), as_of)


def copy_rows(conn: psycopg.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    with conn.cursor().copy(f"copy exchange.{table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)


def write_exchanges(department_url: str, office_url: str, cases: list[Case], exemptions: list[Exemption], as_of):
    create_exchange(department_url)
    create_exchange(office_url, kind="supervision")
    published = datetime(2025, 1, 1, 9, tzinfo=SHANGHAI)
    powers = {(c.promised_limit_wd, c.legal_limit_wd, c.is_risk_point) for c in cases}
    codes = {
        p: f"P{p[0]:02d}L{p[1] if p[1] is not None else 'X'}{'R' if p[2] else ''}" for p in sorted(powers, key=str)
    }
    with psycopg.connect(department_url) as conn:
        copy_rows(
            conn,
            "power_item",
            "exchange_id power_code version department_code category name promised_limit_wd legal_limit_wd "
            "is_risk_point status effective_from uploaded_at".split(),
            [
                (i, code, 1, DEPARTMENT, "XK", code, p[0], p[1], p[2], "confirmed", date(2025, 1, 1), published)
                for i, (p, code) in enumerate(codes.items(), start=1)
            ],
        )
        copy_rows(
            conn,
            "case_accepted",
            "exchange_id case_no department_code power_code channel accepted_at uploaded_at".split(),
            [
                (
                    i,
                    c.case_no,
                    DEPARTMENT,
                    codes[(c.promised_limit_wd, c.legal_limit_wd, c.is_risk_point)],
                    "window",
                    c.accepted_at,
                    uploaded(as_of, c.accepted_at),
                )
                for i, c in enumerate(cases, start=1)
            ],
        )
        copy_rows(
            conn,
            "case_completed",
            "exchange_id case_no completed_at result uploaded_at".split(),
            [
                (i, c.case_no, c.completed_at, "approved", uploaded(as_of, c.completed_at))
                for i, c in enumerate((c for c in cases if c.completed_at), start=1)
            ],
        )
        suspensions = [(c.case_no, seq, s) for c in cases for seq, s in enumerate(c.suspensions, start=1)]
        copy_rows(
            conn,
            "case_suspension",
            "exchange_id case_no suspension_seq reason_type started_at ended_at uploaded_at".split(),
            [
                (i, no, seq, "testing", s.started_at, s.ended_at, uploaded(as_of, s.started_at, s.ended_at))
                for i, (no, seq, s) in enumerate(suspensions, start=1)
            ],
        )
        extensions = [(c, seq, wd) for c in cases for seq, wd in enumerate(c.extensions_wd, start=1)]
        copy_rows(
            conn,
            "case_extension",
            "exchange_id case_no extension_seq extra_wd reason approved_at uploaded_at".split(),
            [
                (i, c.case_no, seq, wd, "专家评审", uploaded(as_of, c.accepted_at), uploaded(as_of, c.accepted_at))
                for i, (c, seq, wd) in enumerate(extensions, start=1)
            ],
        )
    with psycopg.connect(office_url) as conn:
        copy_rows(
            conn,
            "exemption",
            "exchange_id exemption_id scope department_code case_no reason_type start_at end_at uploaded_at".split(),
            [
                (i, f"E{i:04d}", e.scope, e.department_code, e.case_no, "system_failure", e.start_at, e.end_at, as_of)
                for i, e in enumerate(exemptions, start=1)
            ],
        )


def describe(case: Case, expected: Timeliness, exemptions: list[Exemption]) -> str:
    """A disagreement's inputs, in Beijing time, to rebuild a minimal example by hand."""

    def bj(instant):
        return None if instant is None else instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")

    covering = [
        (e.scope, bj(e.start_at), bj(e.end_at)) for e in exemptions if e.covers_case(case.department_code, case.case_no)
    ]
    return (
        f"accepted {bj(case.accepted_at)} completed {bj(case.completed_at)} N={case.promised_limit_wd} "
        f"legal={case.legal_limit_wd} ext={list(case.extensions_wd)} risk={case.is_risk_point} "
        f"suspensions={[(bj(s.started_at), bj(s.ended_at)) for s in case.suspensions]} "
        f"removed={[str(d) for d in expected.removed_days]} exemptions={covering}"
    )


@pytest.fixture(scope="module")
def server(pg_server, request):
    tally = {"examples": 0, "cases": 0, "values": 0, "seconds": 0.0}
    yield pg_server, tally
    for name in DATABASES:
        pg.drop_database(pg_server, name)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and tally["examples"]:
        reporter.write_line(
            f"\ntimeliness property: {tally['cases']} cases ({tally['values']} values) compared with the "
            f"reference in {tally['examples']} pipeline runs, {tally['seconds']:.0f} s"
        )


def as_of_times() -> st.SearchStrategy[datetime]:
    """Evaluation times from January 2026 to February 2027, often right before or after midnight."""
    days = st.dates(date(2026, 1, 10), date(2027, 2, 26))
    seconds = st.one_of(st.integers(0, 300), st.integers(86_100, 86_399), st.integers(0, 86_399))
    return st.builds(lambda d, s: beijing(d, s).astimezone(SHANGHAI), days, seconds)


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a ten-second build
)
@given(as_of=as_of_times(), seed=st.integers(0, 2**32 - 1))
@example(as_of=datetime(2027, 1, 18, 0, 0, 30, tzinfo=SHANGHAI), seed=2027)  # December cases reaching 2027
@example(as_of=datetime(2026, 10, 9, 23, 59, 59, tzinfo=SHANGHAI), seed=1001)  # just after National Day
def test_case_timeliness_matches_the_reference(server, as_of, seed):
    server_url, tally = server
    started = time.monotonic()
    cases, exemptions = BatchGenerator(seed, as_of).batch(CASES_PER_EXAMPLE)
    for name in DATABASES:
        pg.drop_database(server_url, name)
    department, office, warehouse = (pg.ensure_database(server_url, name) for name in DATABASES)
    write_exchanges(department, office, cases, exemptions, as_of)

    sources = [Source("dept", "department", department, DEPARTMENT), Source("office", "supervision", office)]
    run_id = pipeline.prepare_warehouse(warehouse, sources)
    assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None, None]
    result = pipeline.run_dbt(warehouse, as_of)
    assert result.success, result.failures
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        rows = {r["case_no"]: r for r in conn.execute("select * from marts.case_timeliness")}

    assert sorted(rows) == sorted(c.case_no for c in cases)
    missing = [column for column in COMPARED if column not in next(iter(rows.values()))]
    assert not missing, f"marts.case_timeliness lacks {missing}"
    disagreements = []
    for case in cases:
        expected = evaluate(case, as_of, exemptions)
        row = rows[case.case_no]
        for column in COMPARED:
            if row[column] != getattr(expected, column):
                disagreements.append(
                    f"{case.case_no} {column}: sql={row[column]!r} reference={getattr(expected, column)!r}"
                    f" | {describe(case, expected, exemptions)}"
                )
    tally["examples"] += 1
    tally["cases"] += len(cases)
    tally["values"] += len(cases) * len(COMPARED)
    tally["seconds"] += time.monotonic() - started
    print(f"as_of {as_of.isoformat()} seed {seed}: {len(cases)} cases compared, {len(disagreements)} disagreements")
    assert not disagreements, f"{len(disagreements)} disagreements at as_of {as_of.isoformat()}:\n" + "\n".join(
        disagreements[:25]
    )


# --- the reference implementation itself, on hand-computed cases --------------------------------

AS_OF = datetime(2026, 11, 20, 19, 0, tzinfo=SHANGHAI)


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_reference_national_day_and_make_up_saturday():
    # WD after 29 Sep 2026: 30 Sep, 8 Oct, 9 Oct, 10 Oct (Saturday make-up day), 12 Oct
    case = Case(DEPARTMENT, "HOLIDAY", bj("2026-09-29 09:00"), 5, completed_at=bj("2026-10-10 11:00"))
    result = evaluate(case, AS_OF)
    assert result.promised_due_date == date(2026, 10, 12)
    assert (result.elapsed_wd, result.remaining_wd, result.status) == (4, None, "completed_early")
    assert result.elapsed_calendar_days == 11
    assert result.calendar_provisional is False


def test_reference_mid_autumn_and_completion_on_a_holiday():
    # 25 Sep 2026 (Fri) is Mid-Autumn: WD after 24 Sep are 28, 29, 30 Sep; 1 Oct is a holiday
    case = Case(DEPARTMENT, "LATEHOL", bj("2026-09-24 10:00"), 3, legal_limit_wd=3, completed_at=bj("2026-10-01 10:00"))
    result = evaluate(case, AS_OF)
    assert result.promised_due_date == result.legal_due_date == date(2026, 9, 30)
    assert (result.elapsed_wd, result.status, result.legal_overdue) == (3, "completed_late", True)


def test_reference_dates_are_beijing_dates():
    # 07:30 on 4 Nov in Beijing is still 3 Nov in UTC; 23:59 on 5 Nov is 5 Nov
    accepted = bj("2026-11-04 07:30").astimezone(UTC)
    case = Case(DEPARTMENT, "EARLYBJ", accepted, 1, completed_at=bj("2026-11-05 23:59:59").astimezone(UTC))
    result = evaluate(case, AS_OF)
    assert (result.promised_due_date, result.status, result.elapsed_calendar_days) == (
        date(2026, 11, 5),
        "completed_on_time",
        1,
    )


def test_reference_overlapping_and_open_suspensions():
    # (17 Nov, 19 Nov] and (18 Nov, open → 20 Nov] remove 18, 19, 20 Nov once each
    suspensions = (Suspension(bj("2026-11-17 10:00"), bj("2026-11-19 10:00")), Suspension(bj("2026-11-18 10:00")))
    case = Case(DEPARTMENT, "SUSPENDED", bj("2026-11-16 09:00"), 5, legal_limit_wd=10, suspensions=suspensions)
    result = evaluate(case, AS_OF)
    assert (result.suspended_wd, result.elapsed_wd, result.remaining_wd) == (3, 1, 4)
    # 17 Nov counted, then 23-26 Nov: due 26 Nov; legal: 17, 23-27, 30 Nov, 1-3 Dec
    assert (result.promised_due_date, result.legal_due_date) == (date(2026, 11, 26), date(2026, 12, 3))
    assert result.status == "in_progress"


def test_reference_suspension_before_acceptance_is_clipped():
    # suspended from 10 Nov to 18 Nov, accepted 16 Nov: only 17 and 18 Nov are removed
    suspensions = (Suspension(bj("2026-11-10 10:00"), bj("2026-11-18 10:00")),)
    case = Case(DEPARTMENT, "EARLYSUSP", bj("2026-11-16 09:00"), 3, suspensions=suspensions)
    result = evaluate(case, AS_OF)
    assert (result.suspended_wd, result.elapsed_wd, result.promised_due_date) == (2, 2, date(2026, 11, 23))
    assert result.status == "approaching"


def test_reference_suspension_after_the_limit_ran_out_moves_nothing():
    # accepted Mon 2 Nov, N = 3: due Thu 5 Nov; suspended 6-10 Nov removes 9 and 10 Nov
    suspensions = (Suspension(bj("2026-11-06 10:00"), bj("2026-11-10 10:00")),)
    case = Case(
        DEPARTMENT, "LATESUSP", bj("2026-11-02 09:00"), 3, suspensions=suspensions, completed_at=bj("2026-11-12 10:00")
    )
    result = evaluate(case, AS_OF)
    assert (result.suspended_wd, result.elapsed_wd) == (2, 6)
    assert (result.promised_due_date, result.status) == (date(2026, 11, 5), "completed_late")


def test_reference_suspension_begun_on_the_due_day_moves_it():
    # accepted Wed 18 Nov, N = 2: due Fri 20 Nov; suspended from the 20th (the limit runs to 24:00)
    on_due_day = (Suspension(bj("2026-11-20 14:00"), bj("2026-11-24 10:00")),)
    case = Case(DEPARTMENT, "ONDUE", bj("2026-11-18 09:00"), 2, suspensions=on_due_day)
    result = evaluate(case, datetime(2026, 11, 24, 19, 0, tzinfo=SHANGHAI))
    assert (result.suspended_wd, result.elapsed_wd, result.promised_due_date) == (2, 2, date(2026, 11, 24))
    assert result.status == "approaching"
    # ... but one begun on the Saturday after comes after the limit ran out
    saturday = (Suspension(bj("2026-11-21 10:00"), bj("2026-11-24 10:00")),)
    case = Case(DEPARTMENT, "WEEKEND", bj("2026-11-18 09:00"), 2, suspensions=saturday)
    result = evaluate(case, datetime(2026, 11, 24, 19, 0, tzinfo=SHANGHAI))
    assert (result.suspended_wd, result.promised_due_date, result.status) == (2, date(2026, 11, 20), "overdue")


def test_reference_extension_lengthens_the_legal_limit_only():
    case = Case(DEPARTMENT, "EXTENDED", bj("2026-11-02 09:00"), 5, legal_limit_wd=10, extensions_wd=(5,))
    result = evaluate(case, AS_OF)
    assert (result.promised_due_date, result.legal_due_date) == (date(2026, 11, 9), date(2026, 11, 23))
    assert (result.status, result.legal_overdue) == ("overdue", False)
    no_legal = evaluate(Case(DEPARTMENT, "NOLEGAL", bj("2026-11-02 09:00"), 5, extensions_wd=(5,)), AS_OF)
    assert (no_legal.legal_due_date, no_legal.legal_overdue) == (None, False)


def test_reference_approaching_threshold():
    # N = 15: the last ceil(15 × 0.2) = 3 WD are yellow, the 4th from the end is still green
    case = Case(DEPARTMENT, "FIFTEEN", bj("2026-11-02 09:00"), 15)
    assert evaluate(case, bj("2026-11-17 12:00")).remaining_wd == 4
    assert evaluate(case, bj("2026-11-17 12:00")).status == "in_progress"
    assert evaluate(case, bj("2026-11-18 12:00")).status == "approaching"
    # risk point: ceil(5 × 0.5) = 3
    risky = Case(DEPARTMENT, "RISK", bj("2026-11-17 10:00"), 5, is_risk_point=True)
    assert (evaluate(risky, AS_OF).remaining_wd, evaluate(risky, AS_OF).status) == (2, "approaching")


def test_reference_2027_is_provisional_mon_to_fri():
    # WD after Mon 28 Dec 2026: 29, 30, 31 Dec, then 1 Jan 2027 (no calendar yet: a plain Friday), 4 Jan
    case = Case(DEPARTMENT, "YEAREND", bj("2026-12-28 10:00"), 5)
    result = evaluate(case, bj("2026-12-30 18:00"))
    assert (result.promised_due_date, result.elapsed_wd, result.remaining_wd) == (date(2027, 1, 4), 2, 3)
    assert (result.status, result.calendar_provisional) == ("in_progress", True)
    short = evaluate(Case(DEPARTMENT, "SHORT", bj("2026-12-28 10:00"), 3), bj("2026-12-30 18:00"))
    assert (short.promised_due_date, short.calendar_provisional) == (date(2026, 12, 31), False)


def test_reference_exempt_days_are_reported_beside_the_facts():
    exemptions = [
        Exemption("city", bj("2026-11-18 08:00"), bj("2026-11-18 20:00")),
        Exemption("case", bj("2026-11-17 09:00"), bj("2026-11-17 18:00"), DEPARTMENT, "EXEMPT"),
        Exemption("case", bj("2026-11-17 09:00"), bj("2026-11-19 18:00"), OTHER_DEPARTMENT, "EXEMPT"),
        Exemption("department", bj("2026-11-19 09:00"), None, OTHER_DEPARTMENT),
    ]
    case = Case(DEPARTMENT, "EXEMPT", bj("2026-11-16 10:00"), 3)
    result = evaluate(case, AS_OF, exemptions)
    # due 19 Nov; 17 Nov (case) and 18 Nov (city) exempt: 19 Nov + 2 WD = 23 Nov >= 20 Nov
    assert (result.elapsed_wd, result.exempt_wd, result.status) == (4, 2, "overdue")
    assert result.promised_due_date == date(2026, 11, 19)
    assert result.late_only_because_exempt is True
    # a suspension already removed 18 Nov: it is not exempt too
    suspended = Case(DEPARTMENT, "EXEMPT", bj("2026-11-16 10:00"), 3, suspensions=(Suspension(bj("2026-11-17 12:00")),))
    assert evaluate(suspended, AS_OF, exemptions).exempt_wd == 1
