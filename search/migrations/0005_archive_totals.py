"""The whole archive's paragraphs per facet value, kept by the database from the tallies.

Browsing without a query or a filter shows every facet's counts over the whole archive. Summing
the per-call tallies for them grew with the archive (270 ms at a million paragraphs, 1.3 s at ten
million: 47,000 speakers to group) and was paid again after every import, since each import
changes the data version the counts are remembered under. These rows are the same sums kept up to
date as tallies are written: statement-level triggers add what a statement inserted and take away
what it deleted, in the same transaction, whatever writes the tallies (search.services.tally_calls,
a call deleted with its tallies, a truncate). Reading the top values of a facet is then an index
scan of a few rows.

One row per (facet, value); facet "total" holds the paragraph count under value "". Values are
text, as the facet counts carry them (ids, years, codes), in byte order ("C") like theirs. Writers
serialize on an advisory lock before adding: two imports would otherwise lock the shared rows
(role = analyst, the total) in different orders and deadlock; the lock is held to commit, while
the tallies are written at the end of a call's import.

The facet columns are those of search/registry.py; a new facet adds itself here in its migration
(tests/search/test_archive_totals.py compares these rows with the tallies for every facet).
"""

from django.db import migrations

# (facet name, the tally's column): search/registry.py's FACETS when this was written.
COLUMNS = [
    ("company", "company_id"),
    ("year", "fiscal_year"),
    ("quarter", "fiscal_quarter"),
    ("speaker", "speaker_id"),
    ("role", "role"),
    ("section", "section"),
]
LOCK = 7_311_501  # pg_advisory_xact_lock key of the writers (any constant; ours only)


def _per_value(rows: str, sign: str) -> str:
    """One row per facet value of the transition table `rows`, its paragraphs times `sign`."""
    parts = [f"SELECT 'total' AS facet, '' AS value, utterances FROM {rows}"]
    parts += [
        f"SELECT '{facet}', {column}::text, utterances FROM {rows} WHERE {column} IS NOT NULL"
        for facet, column in COLUMNS
    ]
    union = "\n            UNION ALL ".join(parts)
    return f"""
        SELECT facet, value, {sign}sum(utterances) AS utterances FROM (
            {union}
        ) AS changed
        GROUP BY facet, value
        ORDER BY facet, value
    """


def _apply(name: str, rows: str, sign: str) -> str:
    # After taking away, the values left with no paragraph go (a speaker whose one call was
    # deleted), looked up by the rows just changed: never a scan of the whole table.
    emptied = f"""
        DELETE FROM search_archive_total AS kept USING ({_per_value(rows, sign)}) AS changed
        WHERE kept.facet = changed.facet AND kept.value = changed.value
          AND kept.utterances = 0 AND kept.facet <> 'total';
    """
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock({LOCK});
        INSERT INTO search_archive_total AS kept (facet, value, utterances)
        {_per_value(rows, sign)}
        ON CONFLICT (facet, value) DO UPDATE SET utterances = kept.utterances + EXCLUDED.utterances;
        {emptied if sign == "-" else ""}
        RETURN NULL;
    END
    $$
    """


FORWARD = [
    """
    CREATE TABLE search_archive_total (
        facet text NOT NULL,
        value text COLLATE "C" NOT NULL,
        utterances bigint NOT NULL,
        PRIMARY KEY (facet, value)
    )
    """,
    "CREATE INDEX search_archive_total_top ON search_archive_total (facet, utterances DESC, value)",
    _apply("search_archive_total_add", "added", ""),
    _apply("search_archive_total_remove", "removed", "-"),
    """
    CREATE FUNCTION search_archive_total_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_archive_total;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER search_archive_total_add AFTER INSERT ON search_utterancetally"
    " REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_archive_total_add()",
    "CREATE TRIGGER search_archive_total_remove AFTER DELETE ON search_utterancetally"
    " REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_archive_total_remove()",
    "CREATE TRIGGER search_archive_total_clear AFTER TRUNCATE ON search_utterancetally"
    " FOR EACH STATEMENT EXECUTE FUNCTION search_archive_total_clear()",
    # Tallies are deleted and inserted, never updated; an update would bypass the sums, so refuse it.
    """
    CREATE FUNCTION search_archive_total_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'tallies are replaced (DELETE, INSERT), never updated: search_archive_total';
    END
    $$
    """,
    "CREATE TRIGGER search_archive_total_no_update BEFORE UPDATE ON search_utterancetally"
    " FOR EACH STATEMENT EXECUTE FUNCTION search_archive_total_no_update()",
    # The archive already stored: its sums, once.
    f"""
    INSERT INTO search_archive_total (facet, value, utterances)
    {_per_value("search_utterancetally", "")}
    """,
    # Statistics now, not at autovacuum's next round: without them the top values are sorted
    # from every row rather than read from the index.
    "ANALYZE search_archive_total",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS search_archive_total_no_update ON search_utterancetally",
    "DROP TRIGGER IF EXISTS search_archive_total_clear ON search_utterancetally",
    "DROP TRIGGER IF EXISTS search_archive_total_remove ON search_utterancetally",
    "DROP TRIGGER IF EXISTS search_archive_total_add ON search_utterancetally",
    "DROP FUNCTION IF EXISTS search_archive_total_no_update()",
    "DROP FUNCTION IF EXISTS search_archive_total_clear()",
    "DROP FUNCTION IF EXISTS search_archive_total_remove()",
    "DROP FUNCTION IF EXISTS search_archive_total_add()",
    "DROP TABLE IF EXISTS search_archive_total",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_repeated_zh")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
