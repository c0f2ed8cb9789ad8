"""Full-text indexes over the paragraphs' vectors with marker lexemes (calls/markers.py): the role,
company and fiscal year as 'role analyst', 'company 12', 'year 2020', so that a filter on them
narrows the index lookup itself. search/migrations/0008 adds marked sample and repeated-lexeme
indexes the same way.

They stand beside the plain indexes, which a search without those filters keeps reading: testing a
row against a marked vector concatenates the markers first (several microseconds a row), which a
phrase's re-check and a newest-first walk would pay on every row they test.

The function is written once here; calls.markers.MARKED_COLUMNS names its columns and words. The
columns are NOT NULL, so no marker is ever NULL (array_to_tsvector refuses one). Building the two
indexes takes about as long as building the plain ones (a few minutes per million paragraphs).
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

import calls.markers

MARKED = """
CREATE OR REPLACE FUNCTION callvault_marked(vector tsvector, role text, company bigint, year smallint)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT vector || array_to_tsvector(ARRAY['role ' || role, 'company ' || company, 'year ' || year])
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0004_call_parts"),
    ]

    operations = [
        migrations.RunSQL(
            MARKED, "DROP FUNCTION IF EXISTS callvault_marked(tsvector, text, bigint, smallint)"
        ),
        migrations.AddIndex(
            model_name="utterance",
            index=django.contrib.postgres.indexes.GinIndex(
                calls.markers.Marked(models.F("search_en")), name="utterance_marked_en"
            ),
        ),
        migrations.AddIndex(
            model_name="utterance",
            index=django.contrib.postgres.indexes.GinIndex(
                calls.markers.Marked(models.F("search_zh")), name="utterance_marked_zh"
            ),
        ),
    ]
