"""The air-quality records' references to their area, import and replay are enforced by the
database. On PostgreSQL by statement triggers instead of row-by-row foreign keys (migration
forecasts 0004, for the bulk import's speed); on SQLite by ordinary foreign keys."""

from __future__ import annotations

import pandas as pd
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from command.models import Area
from forecasts.imports import forecast_import
from forecasts.models import AirQualityRecord, ForecastImport, Replay

MISSING = 987_654_321


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers exist on PostgreSQL only; SQLite keeps ordinary foreign keys")


@pytest.fixture
def stored(plan, postgresql) -> ForecastImport:
    data = pd.DataFrame(
        [{"area": code, "time": f"2025-03-01 {h:02d}:00", "aqi": 80 + h, "kind": "observed"}
         for code in ("140300", "140302") for h in range(6)]
    ).to_csv(index=False).encode()
    outcome = forecast_import(data=data, name="parents.csv", channel="command")
    assert outcome.stored_count == 12
    return outcome.import_


def insert_sql(area_id: int, import_id: int, replay_id: int | None, hour: int = 0) -> tuple[str, list]:
    return (
        """INSERT INTO forecasts_airqualityrecord (area_id, period, "time", kind, issued_at, issued_at_given,
               primary_pollutant, dust, source, "row", source_import_id, replay_id)
           VALUES (%s, 'hour', %s, 'observed', %s, true, '', false, '', 1, %s, %s)""",
        [area_id, f"2030-01-01 {hour:02d}:00+08", f"2030-01-01 {hour:02d}:00+08", import_id, replay_id],
    )


def refused(sql: str, params: list | None = None, *, immediate: bool = False) -> str:
    """Run the statement in a savepoint; return the database's refusal (fails if none)."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if immediate:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return str(caught.value)


def test_postgresql_checks_the_three_parents_per_statement_not_per_row(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attname FROM pg_constraint c JOIN pg_attribute a
                 ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
               WHERE c.conrelid = 'forecasts_airqualityrecord'::regclass AND c.contype = 'f'"""
        )
        assert cursor.fetchall() == []
        cursor.execute(
            """SELECT tgrelid::regclass::text, tgname FROM pg_trigger
               WHERE tgname LIKE 'forecasts_aq_record_%%' ORDER BY 1, 2"""
        )
        triggers = cursor.fetchall()
        cursor.execute(
            """SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               WHERE i.indrelid = 'forecasts_airqualityrecord'::regclass AND a.attname = 'source_import_id'"""
        )
        assert cursor.fetchall() == [("brin",)]  # the import's rows are found by a BRIN index, not a B-tree
    assert ("forecasts_airqualityrecord", "forecasts_aq_record_parents_insert") in triggers
    assert ("forecasts_airqualityrecord", "forecasts_aq_record_parents_update") in triggers
    for parent in ("command_area", "forecasts_forecastimport", "forecasts_replay"):
        assert (parent, "forecasts_aq_record_parent_kept") in triggers
        assert (parent, "forecasts_aq_record_parent_truncated") in triggers


def test_a_record_naming_a_missing_area_import_or_replay_is_refused(stored):
    area = Area.objects.get(code="140300")
    assert "command_area" in refused(*insert_sql(MISSING, stored.pk, None))
    assert "forecasts_forecastimport" in refused(*insert_sql(area.pk, MISSING, None))
    assert "forecasts_replay" in refused(*insert_sql(area.pk, stored.pk, MISSING))
    # One bad row among good ones refuses the whole statement.
    good = insert_sql(area.pk, stored.pk, None, hour=1)
    bad = insert_sql(area.pk, MISSING, None, hour=2)
    both = good[0] + ", " + bad[0].split("VALUES", 1)[1]
    assert "forecasts_forecastimport" in refused(both, good[1] + bad[1])
    assert "command_area" in refused(
        "UPDATE forecasts_airqualityrecord SET area_id = %s WHERE area_id = %s", [MISSING, area.pk]
    )
    assert AirQualityRecord.objects.filter(time__year=2030).count() == 0
    with connection.cursor() as cursor:  # the same rows with existing parents go in
        cursor.execute(*insert_sql(area.pk, stored.pk, None, hour=3))
    assert AirQualityRecord.objects.filter(time__year=2030).count() == 1


def test_a_parent_with_records_cannot_be_deleted_renumbered_or_truncated(stored):
    # Parents that only records reference, so that the refusal is the records' and no other table's.
    area = Area.objects.create(code="t0004", name="测试区", kind=Area.objects.first().kind)
    replay = Replay.objects.create(
        name="演练", source_file="x.csv", step=Replay.Step.HOUR,
        start=pd.Timestamp("2025-03-01", tz="Asia/Shanghai"), end=pd.Timestamp("2025-03-02", tz="Asia/Shanghai"),
    )
    with connection.cursor() as cursor:
        cursor.execute(*insert_sql(area.pk, stored.pk, None))
        cursor.execute(*insert_sql(area.pk, stored.pk, replay.pk))
    for table, pk in (("command_area", area.pk), ("forecasts_forecastimport", stored.pk), ("forecasts_replay", replay.pk)):
        assert "forecasts_airqualityrecord" in refused(f"DELETE FROM {table} WHERE id = %s", [pk], immediate=True)  # noqa: S608
        assert "forecasts_airqualityrecord" in refused(
            f"UPDATE {table} SET id = %s WHERE id = %s", [MISSING, pk], immediate=True  # noqa: S608
        )
    with connection.cursor() as cursor:  # fire the events queued so far: TRUNCATE refuses to run with any pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "forecasts_airqualityrecord" in refused("TRUNCATE forecasts_forecastimport CASCADE")
    with pytest.raises(ProtectedError):  # Django's PROTECT still answers first
        stored.delete()
    with transaction.atomic(), connection.cursor() as cursor:  # the records truncated with it: allowed
        cursor.execute("TRUNCATE forecasts_airqualityrecord, forecasts_forecastimport CASCADE")
        assert not ForecastImport.objects.exists()
        transaction.set_rollback(True)
    assert AirQualityRecord.objects.filter(source_import=stored).count() == 14
    replay.delete()  # Django's CASCADE removes the replay's records first: the check passes
    AirQualityRecord.objects.filter(area=area).delete()
    area.delete()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert AirQualityRecord.objects.filter(source_import=stored).count() == 12
