"""On PostgreSQL, the air-quality records' three foreign keys (area, source import, replay) are
checked by the database once per statement instead of once per row.

A bulk import inserts 200,000 rows in one ``INSERT … SELECT``; with ordinary foreign keys
PostgreSQL queues three trigger events per row and runs 400,000 look-ups at COMMIT, about half of
the store step (benchmarks/README.md, bench_import). Here the foreign-key constraints are replaced
by triggers that the database enforces just the same:

* child side: an ``AFTER INSERT`` and an ``AFTER UPDATE`` statement trigger reads the statement's
  new rows (a transition table), takes the distinct (area, import, replay) keys, locks those
  parent rows ``FOR KEY SHARE`` (as PostgreSQL's own check does, so a concurrent delete of a parent
  waits, or the lock finds the parent gone) and refuses the statement with SQLSTATE 23503
  (foreign_key_violation) if a parent is missing. Unlike the deferred foreign keys this runs at the
  end of the statement, not at COMMIT: the parent must exist before its rows are written (it always
  does: the import row is created first).
* parent side: ``command_area``, ``forecasts_forecastimport`` and ``forecasts_replay`` have a
  deferred row constraint trigger on DELETE and on UPDATE of ``id`` that refuses, at COMMIT, to
  leave a record pointing at a missing parent (23503), and an ``AFTER TRUNCATE`` trigger that
  refuses to truncate a parent while records remain (truncating the records in the same statement
  is allowed, as Django's test flushes do). Deletion in Django is unchanged (PROTECT / CASCADE are
  applied by Django before the DELETE reaches the database).
* A parent DELETE under REPEATABLE READ or SERIALIZABLE with records still referencing it is
  refused; with none visible it is also refused unless the isolation is READ COMMITTED, because
  its snapshot could miss records committed concurrently (PostgreSQL's foreign keys use a
  cross-check snapshot for this, which a trigger cannot). The project only uses READ COMMITTED.

The index on ``source_import_id`` becomes a BRIN index: an import's rows are inserted together, so
they sit in consecutive pages; BRIN finds them (for the parent check above and Django's PROTECT
query when an import is deleted) and costs next to nothing per inserted row, where the B-tree
cost about 0.1 s per 200,000 rows. Nothing else looks records up by import.

The models keep their ``ForeignKey`` fields unchanged (Django's state says ``db_constraint=True``),
so SQLite, the embedded default, keeps ordinary foreign keys and the B-tree. Should a later
migration re-create these foreign keys or that index on PostgreSQL, the data stay checked twice
(correct, only slower).
"""

from django.db import migrations

#: (column on the records table, parent table)
PARENTS = (
    ("area_id", "command_area"),
    ("source_import_id", "forecasts_forecastimport"),
    ("replay_id", "forecasts_replay"),
)

CREATE = """
CREATE FUNCTION forecasts_aq_record_parents_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    areas bigint[];
    imports bigint[];
    replays bigint[];
BEGIN
    SELECT array_agg(DISTINCT area_id), array_agg(DISTINCT source_import_id),
           array_remove(array_agg(DISTINCT replay_id), NULL)
      INTO areas, imports, replays
      FROM (SELECT DISTINCT area_id, source_import_id, replay_id FROM new_rows) AS keys;
    IF (SELECT count(*) FROM (SELECT 1 FROM command_area WHERE id = ANY (areas) FOR KEY SHARE) AS locked)
            < coalesce(cardinality(areas), 0) THEN
        RAISE EXCEPTION 'insert or update on table "forecasts_airqualityrecord" violates foreign key '
                        '"area_id" to "command_area": a row names an area that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF (SELECT count(*) FROM (SELECT 1 FROM forecasts_forecastimport WHERE id = ANY (imports) FOR KEY SHARE) AS locked)
            < coalesce(cardinality(imports), 0) THEN
        RAISE EXCEPTION 'insert or update on table "forecasts_airqualityrecord" violates foreign key '
                        '"source_import_id" to "forecasts_forecastimport": a row names an import that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF (SELECT count(*) FROM (SELECT 1 FROM forecasts_replay WHERE id = ANY (replays) FOR KEY SHARE) AS locked)
            < coalesce(cardinality(replays), 0) THEN
        RAISE EXCEPTION 'insert or update on table "forecasts_airqualityrecord" violates foreign key '
                        '"replay_id" to "forecasts_replay": a row names a replay that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER forecasts_aq_record_parents_insert AFTER INSERT ON forecasts_airqualityrecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_aq_record_parents_check();
CREATE TRIGGER forecasts_aq_record_parents_update AFTER UPDATE ON forecasts_airqualityrecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION forecasts_aq_record_parents_check();

-- TG_ARGV[0]: the records' column that points at this parent.
CREATE FUNCTION forecasts_aq_record_parent_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id IS NOT DISTINCT FROM OLD.id THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM forecasts_airqualityrecord WHERE %I = $1)', TG_ARGV[0])
        INTO referenced USING OLD.id;
    IF referenced OR current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'update or delete on table "%" violates foreign key "%" on table '
                        '"forecasts_airqualityrecord" (id %)', TG_TABLE_NAME, TG_ARGV[0], OLD.id
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = CASE WHEN referenced THEN 'Records still reference it.'
                                ELSE 'Only checked under READ COMMITTED.' END;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION forecasts_aq_record_parent_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM forecasts_airqualityrecord) THEN
        RAISE EXCEPTION 'cannot truncate table "%": forecasts_airqualityrecord references it', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
"""

PARENT_TRIGGERS = """
CREATE CONSTRAINT TRIGGER forecasts_aq_record_parent_kept AFTER DELETE OR UPDATE OF id ON {parent}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION forecasts_aq_record_parent_kept('{column}');
CREATE TRIGGER forecasts_aq_record_parent_truncated AFTER TRUNCATE ON {parent}
    FOR EACH STATEMENT EXECUTE FUNCTION forecasts_aq_record_parent_truncated();
"""

DROP = """
DROP TRIGGER IF EXISTS forecasts_aq_record_parents_insert ON forecasts_airqualityrecord;
DROP TRIGGER IF EXISTS forecasts_aq_record_parents_update ON forecasts_airqualityrecord;
DROP FUNCTION IF EXISTS forecasts_aq_record_parents_check();
"""

BRIN = "aq_record_source_import_brin"

DROP_PARENT = """
DROP TRIGGER IF EXISTS forecasts_aq_record_parent_kept ON {parent};
DROP TRIGGER IF EXISTS forecasts_aq_record_parent_truncated ON {parent};
"""


def _foreign_keys(apps):
    model = apps.get_model("forecasts", "AirQualityRecord")
    return model, [model._meta.get_field(column.removesuffix("_id")) for column, _ in PARENTS]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model, fields = _foreign_keys(apps)
    for field in fields:
        for name in schema_editor._constraint_names(model, [field.column], foreign_key=True):
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))
    import_field = model._meta.get_field("source_import")
    for name in schema_editor._constraint_names(model, [import_field.column], index=True, type_="idx"):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))
    schema_editor.execute(f"CREATE INDEX {BRIN} ON {model._meta.db_table} USING brin ({import_field.column})")
    schema_editor.execute(CREATE, params=None)
    for column, parent in PARENTS:
        schema_editor.execute(PARENT_TRIGGERS.format(parent=parent, column=column), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, parent in PARENTS:
        schema_editor.execute(DROP_PARENT.format(parent=parent))
    schema_editor.execute(DROP)
    schema_editor.execute("DROP FUNCTION IF EXISTS forecasts_aq_record_parent_kept()")
    schema_editor.execute("DROP FUNCTION IF EXISTS forecasts_aq_record_parent_truncated()")
    model, fields = _foreign_keys(apps)
    schema_editor.execute(f"DROP INDEX IF EXISTS {BRIN}")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("source_import")]))
    for field in fields:
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    dependencies = [
        ("command", "0001_initial"),
        ("forecasts", "0003_fewer_record_indexes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
