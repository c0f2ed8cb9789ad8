"""The sample and repeated-lexeme indexes (0003, 0004) over the vectors with marker lexemes
(calls/markers.py, calls/migrations/0005), as the full-text indexes are: a role, section, company,
year or quarter filter narrows the sampled estimate and the ranking tiers through the index, where each of their
candidates was read to test it (a common word's tier read 50,000 rows to keep 1,500 analysts').

Each index is dropped and built again over the new expression, in the migration's transaction.
"""

from django.db import migrations

SAMPLE_RATES = (16, 256)
COLUMNS = (("search_en", "en"), ("search_zh", "zh"))


def marked(vector: str) -> str:
    return f"callvault_marked({vector}, role, section, company_id, fiscal_year, fiscal_quarter)"


def rebuilt(name: str, definition: str, former: str) -> migrations.RunSQL:
    create = "CREATE INDEX {name} ON calls_utterance USING gin {definition}"
    return migrations.RunSQL(
        [f"DROP INDEX IF EXISTS {name}", create.format(name=name, definition=definition)],
        [f"DROP INDEX IF EXISTS {name}", create.format(name=name, definition=former)],
    )


def operations() -> list[migrations.RunSQL]:
    rebuilt_indexes = []
    for column, suffix in COLUMNS:
        for rate in SAMPLE_RATES:
            predicate = f"WHERE mod(id, {rate}) = 0"
            rebuilt_indexes.append(
                rebuilt(
                    f"utterance_sample_{rate}_{suffix}",
                    f"(({marked(column)})) {predicate}",
                    f"({column}) {predicate}",
                )
            )
        repeated = f"callvault_repeated_lexemes({column})"
        rebuilt_indexes.append(
            rebuilt(f"utterance_repeated_{suffix}", f"(({marked(repeated)}))", f"({repeated})")
        )
    return rebuilt_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_marked_indexes"),
        ("search", "0007_repeated_lexemes_prefiltered"),
    ]

    operations = operations()
