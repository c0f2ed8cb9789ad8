"""Sample and repeated-lexeme indexes (0003, 0004) over the vectors with marker lexemes
(calls/markers.py, calls/migrations/0005), beside the plain ones: with a role, section, company,
year or quarter filter, the sampled estimate and the ranking tiers narrow through the index, where
each of their candidates was read to test it (a common word's tier read 50,000 rows to keep the
1,500 analysts'). Without such a filter the plain indexes are read, as before.
"""

from django.db import migrations

SAMPLE_RATES = (16, 256)
COLUMNS = (("search_en", "en"), ("search_zh", "zh"))


def marked(vector: str) -> str:
    return f"callvault_marked({vector}, role, section, company_id, fiscal_year, fiscal_quarter)"


def created(name: str, definition: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"CREATE INDEX {name} ON calls_utterance USING gin {definition}", f"DROP INDEX IF EXISTS {name}"
    )


def operations() -> list[migrations.RunSQL]:
    indexes = []
    for column, suffix in COLUMNS:
        for rate in SAMPLE_RATES:
            indexes.append(
                created(
                    f"utterance_marked_sample_{rate}_{suffix}",
                    f"(({marked(column)})) WHERE mod(id, {rate}) = 0",
                )
            )
        repeated = marked(f"callvault_repeated_lexemes({column})")
        indexes.append(created(f"utterance_marked_repeated_{suffix}", f"(({repeated}))"))
    return indexes


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_marked_indexes"),
        ("search", "0007_repeated_lexemes_prefiltered"),
    ]

    operations = operations()
