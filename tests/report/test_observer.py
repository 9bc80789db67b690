"""The report counts the check engine's batches through the engine's public hook
(``Engine(observers=...)``, issue 14 item 7), not by subclassing the engine: the rows it
counts are the rows the rules saw, from the same read."""

import datetime as dt
from pathlib import Path

from codecheck.checks.base import CheckContext
from codecheck.calendar import WorkingCalendar
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.registry import default_registry
from codecheck.report.periods import months, quarters
from codecheck.report.tally import ReportObserver, Tally

from . import PERIOD

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures/cases.csv"


def test_the_observer_sees_every_row_the_engine_checks(tmp_path):
    second = tmp_path / "second.csv"
    second.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    registry, config, as_of = default_registry(), Config(), dt.date(2025, 4, 30)
    tally = Tally(quarters(*PERIOD), months(*PERIOD), registry, CheckContext(calendar=WorkingCalendar(), as_of=as_of))
    observer = ReportObserver(tally)
    engine = Engine(registry, config, registry.select([], [], {}), as_of, observers=[observer])
    results = engine.run([str(FIXTURE), str(second)])
    assert not results.problems
    assert [s["file"] for s in observer.sources] == ["cases.csv", "second.csv"]
    assert [s["rows"] for s in observer.sources] == [f.rows for f in results.files] == [300, 300]
    # two copies of the fixture: every count is twice the fixture's own
    assert tally.in_period(tally.counts["stage1"]) == 2 * 269
    assert set(observer.file_columns) == {f.path for f in results.files}
