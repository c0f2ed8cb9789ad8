"""Turns indexed by speaker and role together, in place of the speaker alone.

The speakers list filtered by a role (`/speakers/?role=analyst`) asks, for each speaker, whether a
turn of theirs has that role: with the speaker's index alone, each answer visited the turns' rows
(146 ms for 47,558 speakers and 675,000 turns, the benchmark archive of 1.16M paragraphs). Every
lookup by speaker alone reads the new index as it read the old one. Created before the old one goes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_marked_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="turn",
            index=models.Index(fields=["speaker", "role"], name="turn_speaker_role"),
        ),
        migrations.AlterField(
            model_name="turn",
            name="speaker",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="turns",
                to="calls.speaker",
            ),
        ),
    ]
