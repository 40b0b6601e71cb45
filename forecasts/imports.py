"""Import of forecast and observation files (预报、监测数据导入), interfaces.md §1.

Four ways in (the upload page, the API, ``manage.py import_forecast`` and the inbox folder) and
one code path: :func:`forecast_import` reads the bytes with
:func:`forecasts.domain.readers.read_file`, refuses the whole file on any error, recognises a
file it has seen (same SHA-256), and otherwise stores the import and its rows in one
transaction, then asks for an evaluation after commit.

Rows are stored through a bulk path: on PostgreSQL ``COPY`` into a temporary table and one
``INSERT … SELECT … ON CONFLICT DO NOTHING``; elsewhere ``bulk_create(ignore_conflicts=True)``.
A row identical in (area, period, time, kind, issued_at) to one already stored is skipped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import audit_record
from command.models import Area
from core.errors import DomainError
from core.outbox import outbox_emit

from .domain.areas import AREAS
from .domain.readers import NUMERIC_COLUMNS, READING_COLUMNS, ImportError_, ReadResult, read_file
from .models import AirQualityRecord, ForecastImport, Replay

logger = logging.getLogger(__name__)

#: Extensions the inbox folder picks up.
INBOX_SUFFIXES = frozenset({".csv", ".xlsx", ".json"})

#: Columns of forecasts_airqualityrecord the bulk path writes, in COPY order.
STORED_COLUMNS: tuple[str, ...] = (
    "area_id",
    "period",
    "time",
    "kind",
    "issued_at",
    "issued_at_given",
    *READING_COLUMNS,
    "source",
    "row",
)
_FLOAT_COLUMNS = NUMERIC_COLUMNS
_AREA_ORDER = {area.code: position for position, area in enumerate(AREAS)}
_SQLITE_BATCH = 2000


class ForecastImportRejected(DomainError):
    """A file refused as a whole (导入被拒绝): nothing of it was stored. ``errors`` lists every
    problem (file, row, column, message), and so does the API answer; ``str()`` is a Chinese summary."""

    code = "forecasts.import.rejected"

    def __init__(self, errors: list[ImportError_], *, name: str = "") -> None:
        self.errors = list(errors)
        self.name = name or (self.errors[0].file if self.errors else "")
        super().__init__(self.summary(), data={"errors": self.as_dicts()})

    def summary(self) -> str:
        count = len(self.errors)
        head = f"文件「{self.name}」有 {count} 处错误，未导入任何数据"
        shown = "；".join(error.message for error in self.errors[:3])
        more = f"；另有 {count - 3} 处，见错误列表" if count > 3 else ""
        return f"{head}：{shown}{more}。" if shown else f"{head}。"

    def as_dicts(self) -> list[dict[str, Any]]:
        return [error.as_dict() for error in self.errors]


@dataclass
class ImportOutcome:
    """What one import did. For a duplicate, ``import_`` is the earlier import of the same file
    and ``stored_count`` is 0."""

    import_: ForecastImport | None
    duplicate: bool
    row_count: int
    stored_count: int
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def forecast_preview(*, data: bytes, name: str) -> ReadResult:
    """Read a file as an import would, writing nothing (the upload page's preview)."""
    return read_file(bytes(data), name)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def earlier_import(*, sha256: str, replay: Replay | None = None) -> ForecastImport | None:
    """The import that already brought in a file with this digest (per replay), if any."""
    return ForecastImport.objects.filter(file_sha256=sha256, replay=replay).select_related("uploaded_by").first()


def stored_rows(
    result: ReadResult, *, area_ids: dict[str, int] | None = None, imported_at: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The rows of a read file as they will be stored: one column per database column of
    :data:`STORED_COLUMNS` (``area_id`` stays the area code when ``area_ids`` is not given).

    ``issued_at`` (发布时间) is the file's; without one an observation is issued at its own
    time and a forecast at the import time (``imported_at``; NaT in a preview), and
    ``issued_at_given`` is false."""
    frame = result.frame
    given = frame["issued_at"].notna()
    issued = frame["issued_at"].copy()
    observed = frame["kind"] == "observed"
    issued = issued.where(given | ~observed, frame["time"])
    if imported_at is not None:
        issued = issued.fillna(imported_at)
    codes = frame["area_code"]
    out = pd.DataFrame(
        {
            "area_id": _per_value(codes, area_ids.get) if area_ids is not None else codes,
            "period": result.period or "hour",
            "time": frame["time"],
            "kind": frame["kind"],
            "issued_at": issued,
            "issued_at_given": given,
        }
    )
    for column in _FLOAT_COLUMNS:
        out[column] = frame[column].astype("float64")
    out["primary_pollutant"] = frame["primary_pollutant"].fillna("").astype(str)
    out["dust"] = frame["dust"].astype(bool)
    out["source"] = _per_value(frame["source"], lambda value: "" if pd.isna(value) else str(value)[:100])
    out["row"] = frame["row"].astype("int64")
    return out[list(STORED_COLUMNS)]


def _per_value(column: pd.Series, convert) -> pd.Series:
    """``column`` with ``convert`` applied once per distinct value (a file has a handful of areas
    and sources, and 200,000 rows)."""
    labels, uniques = pd.factorize(column, use_na_sentinel=False)
    converted = pd.Series([convert(value) for value in uniques])
    return pd.Series(converted.to_numpy()[labels], index=column.index)


def _area_ids(codes: list[str], name: str) -> dict[str, int]:
    found = dict(Area.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = [code for code in codes if code not in found]
    if missing:
        raise ForecastImportRejected(
            [ImportError_(name, None, None, f"区域「{code}」尚未在系统中登记（请先载入预案数据）") for code in missing],
            name=name,
        )
    return found


# --------------------------------------------------------------------------- importing


def forecast_import(
    *,
    data: bytes,
    name: str,
    channel: str,
    actor: Any = None,
    replay: Replay | None = None,
) -> ImportOutcome:
    """Import one file, all or nothing.

    A file with any error raises :class:`ForecastImportRejected` and stores nothing. The same
    file again (same SHA-256; per replay for drills) is a duplicate: nothing stored, the earlier
    import returned. Otherwise the import (ForecastImport) and its rows are stored in one
    transaction, audited as ``forecasts.import.stored``, and after commit an evaluation is
    requested (the outbox topic ``forecasts.import.evaluate``)."""
    data = bytes(data)
    if channel not in ForecastImport.Channel.values:
        raise ValueError(f"unknown import channel {channel!r}")
    earlier = earlier_import(sha256=file_digest(data), replay=replay)
    if earlier is not None:
        return _duplicate(earlier)
    result = read_file(data, name)
    if not result.ok:
        raise ForecastImportRejected(result.errors, name=name)
    return forecast_store(result, size=len(data), channel=channel, actor=actor, replay=replay)


def _duplicate(earlier: ForecastImport) -> ImportOutcome:
    return ImportOutcome(
        import_=earlier, duplicate=True, row_count=earlier.row_count, stored_count=0, warnings=list(earlier.warnings)
    )


def forecast_store(
    result: ReadResult,
    *,
    size: int,
    channel: str,
    actor: Any = None,
    replay: Replay | None = None,
) -> ImportOutcome:
    """The writing half of :func:`forecast_import`, for a file already read without errors."""
    frame = result.frame
    codes = sorted(frame["area_code"].unique().tolist(), key=lambda c: _AREA_ORDER.get(c, 99))
    area_ids = _area_ids(codes, result.name)
    imported_at = pd.Timestamp(timezone.now()).tz_convert("Asia/Shanghai")
    rows = stored_rows(result, area_ids=area_ids, imported_at=imported_at)
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            record = ForecastImport.objects.create(
                file_name=result.name[:255],
                file_sha256=result.file_sha256,
                file_size=size,
                channel=channel,
                period=result.period,
                uploaded_by=uploader,
                row_count=len(frame),
                first_time=frame["time"].min().to_pydatetime(),
                last_time=frame["time"].max().to_pydatetime(),
                area_codes=codes,
                kinds=sorted(frame["kind"].unique().tolist()),
                warnings=list(result.warnings),
                replay=replay,
            )
            stored = store_records(rows, import_id=record.pk, replay_id=replay.pk if replay else None)
            record.stored_count = stored
            record.save(update_fields=["stored_count"])
            audit_record(
                actor=actor,
                action="forecasts.import.stored",
                target=record,
                data={
                    "file_name": record.file_name,
                    "sha256": record.file_sha256,
                    "channel": channel,
                    "period": record.period,
                    "row_count": record.row_count,
                    "stored_count": stored,
                    "replay": replay.pk if replay else None,
                },
            )
            # Evaluated after commit, through the outbox: with the broker down the import still
            # succeeds, and the sweep hands the evaluation out when the broker is back.
            outbox_emit("forecasts.import.evaluate", {"import_id": record.pk})
    except IntegrityError:
        # Two imports of the same file at once: the unique constraint lets one through.
        earlier = earlier_import(sha256=result.file_sha256, replay=replay)
        if earlier is None:
            raise
        return _duplicate(earlier)
    return ImportOutcome(
        import_=record, duplicate=False, row_count=len(frame), stored_count=stored, warnings=list(result.warnings)
    )


def store_records(rows: pd.DataFrame, *, import_id: int, replay_id: int | None = None) -> int:
    """Insert the rows (columns :data:`STORED_COLUMNS`, ``area_id`` resolved) for one import;
    rows identical in (area, period, time, kind, issued_at) to stored ones of the same data set
    (the real one, or one replay's) are skipped. Returns the number actually inserted. Call
    inside the import's transaction."""
    if rows.empty:
        return 0
    if connection.vendor == "postgresql":
        return _store_postgresql(rows, import_id, replay_id)
    return _store_generic(rows, import_id, replay_id)


#: PostgreSQL's binary COPY: the signature, flags and header extension length, and the trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00Z, where PostgreSQL counts timestamps from
#: Text columns travel as codes into the lookup arrays passed with the INSERT.
_TEXT_COLUMNS = ("period", "kind", "primary_pollutant", "source")
#: The staging table's columns: (name, PostgreSQL type, big-endian numpy type).
_STAGE: tuple[tuple[str, str, str], ...] = (
    ("area_id", "bigint", ">i8"),
    ("time", "timestamptz", ">i8"),
    ("issued_at", "timestamptz", ">i8"),
    ("issued_at_given", "boolean", "u1"),
    *((column, "double precision", ">f8") for column in _FLOAT_COLUMNS),
    ("dust", "boolean", "u1"),
    ("row", "integer", ">i4"),
    *((f"{column}_code", "integer", ">i4") for column in _TEXT_COLUMNS),
)


def copy_payload(rows: pd.DataFrame) -> tuple[bytes, dict[str, list[str]]]:
    """The rows as one PostgreSQL binary COPY stream for the staging table, built by numpy in a
    single pass (no per-row Python): every field has a fixed width, a missing number travels as
    NaN and becomes NULL in the INSERT, text travels as a code into a lookup list."""
    count = len(rows)
    layout: list[tuple[str, str]] = [("fields", ">i2")]
    for name, _, dtype in _STAGE:
        layout += [(f"{name}__len", ">i4"), (name, dtype)]
    out = np.empty(count, dtype=np.dtype(layout))
    out["fields"] = len(_STAGE)
    for name, _, dtype in _STAGE:
        out[f"{name}__len"] = np.dtype(dtype).itemsize
    out["area_id"] = rows["area_id"].to_numpy(dtype="int64")
    for column in ("time", "issued_at"):
        nanoseconds = rows[column].dt.tz_convert("UTC").dt.as_unit("ns").astype("int64").to_numpy()
        out[column] = nanoseconds // 1000 - _PG_EPOCH_US
    for column in _FLOAT_COLUMNS:
        out[column] = rows[column].to_numpy(dtype="float64", na_value=np.nan)
    out["issued_at_given"] = rows["issued_at_given"].to_numpy(dtype=bool)
    out["dust"] = rows["dust"].to_numpy(dtype=bool)
    out["row"] = rows["row"].to_numpy(dtype="int64")
    lookups: dict[str, list[str]] = {}
    for column in _TEXT_COLUMNS:
        codes, uniques = pd.factorize(rows[column].astype(str), sort=False)
        out[f"{column}_code"] = codes + 1  # PostgreSQL arrays count from 1
        lookups[column] = [str(value) for value in uniques]
    return _COPY_HEADER + out.tobytes() + _COPY_TRAILER, lookups


def _store_postgresql(rows: pd.DataFrame, import_id: int, replay_id: int | None) -> int:
    stage = f"aq_import_stage_{uuid.uuid4().hex[:12]}"
    table = AirQualityRecord._meta.db_table
    payload, lookups = copy_payload(rows)
    stage_columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type, _ in _STAGE)
    copy_columns = ", ".join(f'"{name}"' for name, _, _ in _STAGE)
    select = {
        **{column: f'"{column}"' for column in ("area_id", "time", "issued_at", "issued_at_given", "dust", "row")},
        **{column: f"NULLIF(\"{column}\", 'NaN')" for column in _FLOAT_COLUMNS},
        **{column: f'(%s::text[])["{column}_code"]' for column in _TEXT_COLUMNS},
    }
    target = ", ".join(f'"{column}"' for column in STORED_COLUMNS)
    values = ", ".join(select[column] for column in STORED_COLUMNS)
    params = [lookups[column] for column in STORED_COLUMNS if column in lookups]
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3, inside the import's transaction
    with raw.cursor() as cursor:
        # Identifiers below are ours (no user input); values travel as parameters or COPY data.
        cursor.execute(f"CREATE TEMP TABLE {stage} ({stage_columns}) ON COMMIT DROP")
        with cursor.copy(f"COPY {stage} ({copy_columns}) FROM STDIN WITH (FORMAT binary)") as copy:  # noqa: S608
            copy.write(payload)
        cursor.execute(
            # No conflict target: the real data and each replay have their own partial unique index.
            f"""INSERT INTO {table} ({target}, source_import_id, replay_id)
                SELECT {values}, %s, %s FROM {stage}
                ON CONFLICT DO NOTHING""",  # noqa: S608
            [*params, import_id, replay_id],
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {stage}")
    return max(inserted, 0)


def _store_generic(rows: pd.DataFrame, import_id: int, replay_id: int | None) -> int:
    plain = rows.astype(object).where(rows.notna(), None)
    objects = []
    for values in plain.itertuples(index=False, name=None):
        item = dict(zip(STORED_COLUMNS, values, strict=True))
        for column in ("time", "issued_at"):
            item[column] = item[column].to_pydatetime()
        objects.append(AirQualityRecord(source_import_id=import_id, replay_id=replay_id, **item))
    AirQualityRecord.objects.bulk_create(objects, ignore_conflicts=True, batch_size=_SQLITE_BATCH)
    # Every row inserted now belongs to this import: counting them is the difference.
    return AirQualityRecord.objects.filter(source_import_id=import_id).count()


# --------------------------------------------------------------------------- inbox


@dataclass
class InboxItem:
    name: str
    status: str  # stored | duplicate | rejected | failed
    import_id: int | None = None
    path: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "import_id": self.import_id, "path": self.path}


def _free_name(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name`` with a numeric suffix when that is taken."""
    target = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 1
    while target.exists():
        target = directory / f"{stem}.{counter}{suffix}"
        counter += 1
    return target


def errors_text(name: str, errors: list[ImportError_]) -> str:
    lines = [f"文件「{name}」未导入：共 {len(errors)} 处错误，文件中的数据一条也未存入。", ""]
    for error in errors:
        where = []
        if error.row is not None:
            where.append(f"第 {error.row} 行")
        if error.column:
            where.append(f"「{error.column}」列")
        prefix = f"[{' '.join(where)}] " if where else ""
        lines.append(f"{prefix}{error.message}")
    return "\n".join(lines) + "\n"


def inbox_scan(*, directory: Path, settle_seconds: float = 2.0) -> list[InboxItem]:
    """Import every *.csv, *.xlsx and *.json in the inbox folder (收件目录), channel "inbox".

    A file is first claimed by an atomic rename into ``processing/`` (two scans at once never
    import the same file twice), then moved to ``done/`` (stored or duplicate) or to
    ``rejected/`` with ``<name>.errors.txt`` beside it. Files younger than ``settle_seconds``
    (perhaps still being copied in) wait for the next scan. An unexpected failure puts the file
    back for the next scan."""
    directory = Path(directory)
    processing, done, rejected = directory / "processing", directory / "done", directory / "rejected"
    for folder in (directory, processing, done, rejected):
        folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now().timestamp()
    items: list[InboxItem] = []
    for path in sorted(directory.iterdir()):
        name = path.name
        if name.startswith((".", "~$")) or path.suffix.lower() not in INBOX_SUFFIXES:
            continue
        try:
            if not path.is_file() or now - path.stat().st_mtime < settle_seconds:
                continue
            claimed = processing / f"{uuid.uuid4().hex[:8]}--{name}"
            os.rename(path, claimed)
        except FileNotFoundError:
            continue  # another scan claimed it first
        items.append(_inbox_import(claimed, name, directory=directory, done=done, rejected=rejected))
    return items


def _inbox_import(claimed: Path, name: str, *, directory: Path, done: Path, rejected: Path) -> InboxItem:
    try:
        outcome = forecast_import(data=claimed.read_bytes(), name=name, channel=ForecastImport.Channel.INBOX)
    except ForecastImportRejected as exc:
        target = _free_name(rejected, name)
        os.replace(claimed, target)
        Path(f"{target}.errors.txt").write_text(errors_text(name, exc.errors), encoding="utf-8")
        logger.info("inbox: %s rejected (%d errors)", name, len(exc.errors))
        return InboxItem(name=name, status="rejected", path=str(target))
    except Exception:
        logger.exception("inbox: %s failed, left for the next scan", name)
        os.replace(claimed, _free_name(directory, name))
        return InboxItem(name=name, status="failed")
    target = _free_name(done, name)
    os.replace(claimed, target)
    status = "duplicate" if outcome.duplicate else "stored"
    import_id = outcome.import_.pk if outcome.import_ else None
    logger.info("inbox: %s %s (import %s)", name, status, import_id)
    return InboxItem(name=name, status=status, import_id=import_id, path=str(target))
