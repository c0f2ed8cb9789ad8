"""Indexes that bound the first response of a search over a large result set (search/counting.py,
search/paging.py).

- utterance_sample_<rate>_en / _zh: GIN indexes over a fixed-rate sample of paragraphs (those whose
  id is a multiple of the rate). A search whose matches are too many to count at once is estimated
  from its sampled matches: the work is the rate's fraction of the matches.
- utterance_repeated_en: GIN over `callvault_repeated_lexemes(search_en)`, the lexemes a paragraph
  says at least 2, 4 and 8 times (`lexeme~2`, `lexeme~4`, `lexeme~8`). ts_rank grows with how often a
  query's words occur, so the best-ranked paragraphs of a common word are among those that repeat
  it: ranking starts from them instead of scoring every match.

Created in SQL because the sample predicate and the function are PostgreSQL expressions that the
queries must repeat word for word (the planner uses a partial index only when the query's WHERE
contains its predicate); the rates and tiers below are search.counting's and search.paging's.
"""

from django.db import migrations

SAMPLE_RATES = (16, 256)
REPEAT_TIERS = (2, 4, 8)

REPEATED_LEXEMES = f"""
CREATE OR REPLACE FUNCTION callvault_repeated_lexemes(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_to_tsvector(array_agg(u.lexeme || '~' || tiers.tier)), ''::tsvector)
    FROM unnest(vector) AS u(lexeme, positions, weights),
         (VALUES {", ".join(f"({tier})" for tier in REPEAT_TIERS)}) AS tiers(tier)
    WHERE cardinality(u.positions) >= tiers.tier
$$
"""


def sample_indexes() -> list[migrations.RunSQL]:
    operations = []
    for rate in SAMPLE_RATES:
        for column, suffix in (("search_en", "en"), ("search_zh", "zh")):
            name = f"utterance_sample_{rate}_{suffix}"
            operations.append(
                migrations.RunSQL(
                    f"CREATE INDEX {name} ON calls_utterance USING gin ({column}) WHERE mod(id, {rate}) = 0",
                    f"DROP INDEX IF EXISTS {name}",
                )
            )
    return operations


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0004_call_parts"),
        ("search", "0002_data_version"),
    ]

    operations = [
        *sample_indexes(),
        migrations.RunSQL(REPEATED_LEXEMES, "DROP FUNCTION IF EXISTS callvault_repeated_lexemes(tsvector)"),
        migrations.RunSQL(
            "CREATE INDEX utterance_repeated_en ON calls_utterance"
            " USING gin (callvault_repeated_lexemes(search_en))",
            "DROP INDEX IF EXISTS utterance_repeated_en",
        ),
    ]
