"""The scripted faults (benchmarks/faults.py) at CI size, on a stack of their own — a PostgreSQL
cluster and a redis-server started for the run (so killing and restarting them disturbs nothing
else), gunicorn with DEBUG off, a prefork Celery worker, beat and the fake SMS gateway:

- 100 simultaneous approvals of one form → one approval, one publication, one audit entry;
- kill -9 of the worker after a fifth of a 2,000-number fan-out → each number exactly one message;
- Redis down 10 s → the public page answers 200 throughout, an approval succeeds meanwhile and is
  published after Redis is back;
- pg_ctl restart → web and worker recover on their own;
- the gateway answering 500, or hanging past the timeout → bounded retries, failures recorded and
  shown to the office.

The script runs once for the module (about 2–3 minutes with the stack's set-up); each test checks
one scenario's figures from its JSON report.
"""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not glob.glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("redis-server"),
        reason="needs PostgreSQL's initdb/pg_ctl and redis-server to run a stack of its own",
    ),
]


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "faults.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "faults.py"), "--quick", "--port", "18080", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if not out.exists():
        pytest.fail(
            f"benchmarks/faults.py wrote no report (exit {run.returncode}):\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
        )
    report = json.loads(out.read_text())
    report["log"] = run.stdout
    return report


def scenario(faults, name: str) -> dict:
    result = faults["results"].get(name)
    assert result is not None, f"scenario {name} did not run:\n{faults['log'][-6000:]}"
    assert "error" not in faults["results"], faults["results"]["error"]
    return result


def test_one_hundred_simultaneous_approvals_give_one_approval_and_one_publication(faults):
    r = scenario(faults, "approvals")
    assert r["statuses"].get("200") == 1 and sum(r["statuses"].values()) == 100, r
    assert not [s for s in r["statuses"] if int(s) >= 500], r
    assert (r["approved_audit"], r["publish_events"], r["published_audit"]) == (1, 1, 1), r
    assert r["deliveries"] == 2000 and r["missing"] == 0 and r["duplicates"] == 0, r
    assert r["ok"], r


def test_a_worker_killed_mid_fan_out_leaves_every_number_exactly_one_message(faults):
    r = scenario(faults, "kill9")
    assert 0 < r["gateway_messages_at_kill"] < r["subscribers"], r
    assert r["missing"] == 0 and r["duplicates"] == 0 and r["gateway_messages"] == r["subscribers"], r
    assert r["ok"], r


def test_redis_outage_keeps_the_public_page_and_approvals_and_publishes_after(faults):
    r = scenario(faults, "redis")
    assert r["public_requests"] >= 10 and set(r["public_statuses"]) == {"200"}, r
    assert r["approval"]["status"] == 200 and r["approved_during_outage"], r
    assert r["seconds_to_publish_after_redis_back"] is not None and r["missing"] == 0 and r["duplicates"] == 0, r
    assert r["ok"], r


def test_postgresql_restart_is_survived_by_web_and_worker(faults):
    r = scenario(faults, "pg")
    assert r["web_recovered_seconds_after_restart_began"] is not None, r
    assert r["worker_publication_seconds"] is not None and r["missing"] == 0 and r["duplicates"] == 0, r
    assert r["ok"], r


@pytest.mark.parametrize("name", ["gw500", "gwhang"])
def test_a_failing_gateway_gets_bounded_retries_and_the_office_sees_the_failures(faults, name):
    r = scenario(faults, name)
    assert r["gateway_requests"] == r["expected_requests"], r
    assert r["office_page_status"] == 200 and r["office_page_shows_failures"], r
    assert r["ok"], r
