"""Companies indexed by ticker (any case) and by alias: the lookups of every search and import.

search/suggest.py asks, on each search whose words could name a company, for the one whose ticker
or alias the query is; CompanyQuerySet.by_name_or_ticker asks the same for each imported file.
Both scanned the companies: 2 ms at 4,361 (the 1.16M-paragraph benchmark), 10 ms at 38,003 (10.1M).
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0006_turn_speaker_role"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="company",
            index=models.Index(django.db.models.functions.text.Upper("ticker"), name="company_ticker_upper"),
        ),
        migrations.AddIndex(
            model_name="company",
            index=django.contrib.postgres.indexes.GinIndex(fields=["aliases"], name="company_aliases"),
        ),
    ]
