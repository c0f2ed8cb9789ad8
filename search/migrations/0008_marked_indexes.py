"""Sample and repeated-lexeme indexes (0003, 0004) over the vectors with marker lexemes
(calls/markers.py, calls/migrations/0005), beside the plain ones: with a role, company or year
filter, the sampled estimate and the ranking tiers narrow through the index, where each of their
candidates was read to test it (a common word's tier read 50,000 rows to keep the 1,500
analysts'). Without such a filter the plain indexes are read, as before.

The repeated-lexeme twins mark only the paragraphs that repeat a word (callvault_marked_repeats):
a tier asks for a repeated word, so no other paragraph can match, and most paragraphs then add no
entry to them.
"""

from django.db import migrations

SAMPLE_RATES = (16, 256)
COLUMNS = (("search_en", "en"), ("search_zh", "zh"))


# callvault_marked's markers (calls/migrations/0005) written out again, not called: pg_restore
# builds the indexes with an empty search_path, where only pg_catalog's functions resolve.
MARKED_REPEATS = """
CREATE OR REPLACE FUNCTION callvault_marked_repeats(vector tsvector, role text, company bigint, year smallint)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN length(vector) = 0 THEN vector
        ELSE vector || array_to_tsvector(ARRAY['role ' || role, 'company ' || company, 'year ' || year]) END
$$
"""


def marked(vector: str, function: str = "callvault_marked") -> str:
    return f"{function}({vector}, role, company_id, fiscal_year)"


def created(name: str, definition: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE INDEX {name} ON calls_utterance USING gin {definition}", f"DROP INDEX IF EXISTS {name}"
    )


def operations() -> list[migrations.RunSQL]:
    indexes = [
        migrations.RunSQL(
            MARKED_REPEATS, "DROP FUNCTION IF EXISTS callvault_marked_repeats(tsvector, text, bigint, smallint)"
        )
    ]
    for column, suffix in COLUMNS:
        for rate in SAMPLE_RATES:
            indexes.append(
                created(
                    f"utterance_marked_sample_{rate}_{suffix}",
                    f"(({marked(column)})) WHERE mod(id, {rate}) = 0",
                )
            )
        repeated = marked(f"callvault_repeated_lexemes({column})", "callvault_marked_repeats")
        indexes.append(created(f"utterance_marked_repeated_{suffix}", f"(({repeated}))"))
    return indexes


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_marked_indexes"),
        ("search", "0007_repeated_lexemes_prefiltered"),
    ]

    operations = operations()
