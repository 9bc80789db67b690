"""PR001: the landlord's 3-working-day acknowledgement promise, run through
codecheck's engine with the plugin registered as codecheck would register it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import codecheck_promise.plugin as plugin
from codecheck.config import Config
from codecheck.engine import Engine
from codecheck.errors import UsageError
from codecheck.registry import build_registry, plugin_manager


@pytest.fixture(scope="module")
def registry():
    pm = plugin_manager(load_entry_points=False)  # the built-ins only, whatever is installed
    pm.register(plugin, name="promise")  # as the entry point `promise = "codecheck_promise.plugin"` does
    pm.check_pending()
    return build_registry(pm)


def run(tmp_path: Path, registry, rows: list[dict[str, str]], as_of: str = "2025-04-30", config: Config | None = None):
    path = tmp_path / "cases.csv"
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    rules = registry.select(["PR001", "CR602", "CD001"])
    return Engine(registry, config or Config(), rules, dt.date.fromisoformat(as_of)).run([str(path)])


def hits(results) -> list[tuple[str, str]]:
    return sorted((f.case_id, f.rule) for f in results.findings)


def test_registered_like_a_third_party_plugin(registry):
    rule = registry.rules["PR001"]
    assert rule.origin == "promise" and rule.provision is None and rule.severity.label == "warning"
    assert rule.name == "promise-ack-late" and rule.columns == ("received_date", "stage1_ack_date")
    assert registry.rule("promise-ack-late") is rule
    assert {"CR602", "PR001"} <= set(registry.rules)


def test_stricter_than_the_code(tmp_path, registry):
    rows = [
        {"case_id": "ON-TIME", "received_date": "03/06/2024", "stage1_ack_date": "06/06/2024"},  # day 3
        {"case_id": "PROMISE", "received_date": "03/06/2024", "stage1_ack_date": "07/06/2024"},  # day 4
        {"case_id": "CODE", "received_date": "03/06/2024", "stage1_ack_date": "11/06/2024"},  # day 6
    ]
    results = run(tmp_path, registry, rows)
    assert hits(results) == [("CODE", "CR602"), ("CODE", "PR001"), ("PROMISE", "PR001")]
    message = next(f.message for f in results.findings if f.case_id == "PROMISE")
    assert message == ("acknowledged 07/06/2024, 4 working days after receipt on 03/06/2024; "
                       "our service promise is 3 (deadline 06/06/2024)")


def test_uses_the_shared_calendar(tmp_path, registry):
    christmas = [
        {"case_id": "DAY-3", "received_date": "20/12/2024", "stage1_ack_date": "27/12/2024"},
        {"case_id": "DAY-4", "received_date": "20/12/2024", "stage1_ack_date": "30/12/2024"},
    ]
    assert hits(run(tmp_path, registry, christmas)) == [("DAY-4", "PR001")]
    closed = Config(closures=[dt.date(2024, 12, 27)])
    assert hits(run(tmp_path, registry, christmas, config=closed)) == []
    new_year = [{"case_id": "NEW-YEAR", "received_date": "31/12/2024", "stage1_ack_date": "07/01/2025"}]
    assert hits(run(tmp_path, registry, new_year)) == [("NEW-YEAR", "PR001")]  # 2, 3, 6, 7 January
    assert hits(run(tmp_path, registry, new_year, config=Config(region="scotland"))) == []  # 2 January is a holiday there


def test_days_from_the_environment(tmp_path, registry, monkeypatch):
    rows = [{"case_id": "DAY-3", "received_date": "03/06/2024", "stage1_ack_date": "06/06/2024"}]
    assert hits(run(tmp_path, registry, rows)) == []
    monkeypatch.setenv(plugin.ENV_VAR, "2")
    results = run(tmp_path, registry, rows)
    assert hits(results) == [("DAY-3", "PR001")] and "our service promise is 2" in results.findings[0].message
    monkeypatch.setenv(plugin.ENV_VAR, "5")
    assert plugin.ack_days() == 5


@pytest.mark.parametrize("value", ["three", "0", "-1", "2.5", "999"])
def test_a_bad_environment_value_is_a_usage_error(monkeypatch, value):
    monkeypatch.setenv(plugin.ENV_VAR, value)
    with pytest.raises(UsageError, match=plugin.ENV_VAR):
        plugin.ack_days()


def test_open_cases_past_the_promise(tmp_path, registry):
    rows = [
        {"case_id": "OPEN", "received_date": "03/06/2024", "stage1_ack_date": ""},
        {"case_id": "RESPONDED", "received_date": "03/06/2024", "stage1_ack_date": "", "stage1_response_date": "05/06/2024"},
        {"case_id": "WITHDRAWN", "received_date": "03/06/2024", "stage1_ack_date": "", "stage1_outcome": "Withdrawn"},
        {"case_id": "REFUSED", "received_date": "03/06/2024", "stage1_ack_date": "", "accepted": "no"},
    ]
    results = run(tmp_path, registry, rows, as_of="2024-06-07")
    assert hits(results) == [("OPEN", "PR001")]
    assert results.findings[0].message == ("not acknowledged as of 07/06/2024; received 03/06/2024, "
                                           "promised by 06/06/2024 (3 working days)")
    # on the promised day itself the case is not yet late
    assert hits(run(tmp_path, registry, rows, as_of="2024-06-06")) == []


def test_unreadable_dates_are_not_guessed(tmp_path, registry):
    rows = [{"case_id": "BAD", "received_date": "03/06/2024", "stage1_ack_date": "31/06/2024"}]
    assert hits(run(tmp_path, registry, rows)) == [("BAD", "CD001")]


def test_missing_column_means_not_evaluated(tmp_path, registry):
    results = run(tmp_path, registry, [{"case_id": "A", "received_date": "03/06/2024"}])
    assert {n.rule for n in results.not_evaluated} >= {"PR001"}
