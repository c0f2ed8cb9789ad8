import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("calls", "0002_utterance_period_and_company"),
    ]

    operations = [
        migrations.CreateModel(
            name="UtteranceTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fiscal_year", models.PositiveSmallIntegerField()),
                ("fiscal_quarter", models.PositiveSmallIntegerField()),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("operator", "Operator"),
                            ("executive", "Executive"),
                            ("analyst", "Analyst"),
                            ("unknown", "Unknown"),
                        ],
                        max_length=10,
                    ),
                ),
                ("section", models.CharField(choices=[("prepared", "Prepared remarks"), ("qa", "Q&A")], max_length=10)),
                ("utterances", models.PositiveIntegerField()),
                (
                    "call",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.call"),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.company"
                    ),
                ),
                (
                    "speaker",
                    models.ForeignKey(
                        null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.speaker"
                    ),
                ),
            ],
        ),
        # Calls imported before this table existed.
        migrations.RunSQL(
            """
            INSERT INTO search_utterancetally
                (call_id, company_id, fiscal_year, fiscal_quarter, speaker_id, role, section, utterances)
            SELECT call_id, company_id, fiscal_year, fiscal_quarter, speaker_id, role, section, count(*)
            FROM calls_utterance
            GROUP BY call_id, company_id, fiscal_year, fiscal_quarter, speaker_id, role, section
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
