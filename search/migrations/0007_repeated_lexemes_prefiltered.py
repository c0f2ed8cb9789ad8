"""callvault_repeated_lexemes (0003, 0006) with the same result, computed for fewer lexemes.

Most of a paragraph's lexemes occur once, and the tiers were joined with every one of them before
the count was compared: with four tiers that cost imports 16% (bench/ingest.py: 2,610 paragraphs/s
before 0006, 2,195 after). Lexemes said fewer than twice are now dropped first. The function's
result is unchanged for every vector, so the indexes built on it stay valid without a rebuild.
"""

from django.db import migrations

PREFILTERED = """
CREATE OR REPLACE FUNCTION callvault_repeated_lexemes(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_to_tsvector(array_agg(u.lexeme || '~' || tiers.tier)), ''::tsvector)
    FROM (
        SELECT lexeme, cardinality(positions) AS said FROM unnest(vector)
        WHERE cardinality(positions) >= 2
    ) AS u,
    (VALUES (2), (4), (8), (16)) AS tiers(tier)
    WHERE u.said >= tiers.tier
$$
"""

CROSS_JOINED = """
CREATE OR REPLACE FUNCTION callvault_repeated_lexemes(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_to_tsvector(array_agg(u.lexeme || '~' || tiers.tier)), ''::tsvector)
    FROM unnest(vector) AS u(lexeme, positions, weights),
         (VALUES (2), (4), (8), (16)) AS tiers(tier)
    WHERE cardinality(u.positions) >= tiers.tier
$$
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0006_repeated_16")]

    operations = [migrations.RunSQL(PREFILTERED, CROSS_JOINED)]
