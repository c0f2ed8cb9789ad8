"""A fourth repeated-lexeme tier: the lexemes a paragraph says at least 16 times (see 0003).

A common word's 8-times tier grows with the archive (2,900 paragraphs of "quarter" at 1.3M, some
23,000 at ten million), and ranking reads each candidate's positions: past 5,000 candidates
(search.paging.CANDIDATES) the tier was ranked from an arbitrary part of it. Its 16-times tier
holds about a thirtieth as many and still fills the first page.

The function's result changes, so both indexes built on it are rebuilt with it, in the migration's
transaction: an index left holding the old function's entries would answer wrongly.
"""

from django.db import migrations


def repeated_lexemes(tiers: tuple[int, ...]) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION callvault_repeated_lexemes(vector tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_to_tsvector(array_agg(u.lexeme || '~' || tiers.tier)), ''::tsvector)
        FROM unnest(vector) AS u(lexeme, positions, weights),
             (VALUES {", ".join(f"({tier})" for tier in tiers)}) AS tiers(tier)
        WHERE cardinality(u.positions) >= tiers.tier
    $$
    """


REINDEX = ["REINDEX INDEX utterance_repeated_en", "REINDEX INDEX utterance_repeated_zh"]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_archive_totals")]

    operations = [
        migrations.RunSQL(
            [repeated_lexemes((2, 4, 8, 16)), *REINDEX],
            [repeated_lexemes((2, 4, 8)), *REINDEX],
        ),
    ]
