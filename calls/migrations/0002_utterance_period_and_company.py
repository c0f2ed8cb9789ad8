import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Repeat each utterance's company and fiscal period on the row (filled from its call)."""

    dependencies = [
        ("calls", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="utterance",
            name="company",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.company"
            ),
        ),
        migrations.AddField(
            model_name="utterance", name="fiscal_year", field=models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="utterance", name="fiscal_quarter", field=models.PositiveSmallIntegerField(null=True)
        ),
        migrations.RunSQL(
            """
            UPDATE calls_utterance AS u
            SET company_id = c.company_id, fiscal_year = c.fiscal_year, fiscal_quarter = c.fiscal_quarter
            FROM calls_call AS c WHERE c.id = u.call_id
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="utterance",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.company"
            ),
        ),
        migrations.AlterField(
            model_name="utterance", name="fiscal_year", field=models.PositiveSmallIntegerField()
        ),
        migrations.AlterField(
            model_name="utterance", name="fiscal_quarter", field=models.PositiveSmallIntegerField()
        ),
        migrations.AddIndex(
            model_name="utterance",
            index=models.Index(
                models.OrderBy(models.F("fiscal_year"), descending=True),
                models.OrderBy(models.F("fiscal_quarter"), descending=True),
                models.F("call"),
                models.F("position"),
                name="utterance_newest_first",
            ),
        ),
    ]
