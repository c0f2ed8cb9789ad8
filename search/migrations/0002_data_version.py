"""A version number for everything search results are made of, kept by the database itself.

Cached search results (search/cache.py) are keyed by it. Statement-level triggers bump it in the
same transaction as the change, whatever makes it (an import, the admin, a bulk update, raw SQL),
so a reader never sees new data under an old version. The value comes from a sequence, which a
rolled-back transaction never gives back: a version that was rolled back is never used again for
other data.
"""

from django.db import migrations

TABLES = ["calls_utterance", "calls_call", "calls_company", "calls_speaker", "search_utterancetally"]

FORWARD = [
    "CREATE SEQUENCE search_data_version_seq",
    "CREATE TABLE search_data_version (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
    "INSERT INTO search_data_version (id, version) VALUES (1, nextval('search_data_version_seq'))",
    """
    CREATE FUNCTION search_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- An upsert, so that a flushed (truncated) version table starts again by itself.
        INSERT INTO search_data_version (id, version) VALUES (1, nextval('search_data_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
        RETURN NULL;
    END
    $$
    """,
    *[
        f"CREATE TRIGGER search_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION search_bump_data_version()"
        for table in TABLES
    ],
]

BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS search_data_version ON {table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS search_bump_data_version()",
    "DROP TABLE IF EXISTS search_data_version",
    "DROP SEQUENCE IF EXISTS search_data_version_seq",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("calls", "0003_speaker_family_name"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
