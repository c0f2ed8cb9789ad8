"""The repeated-lexeme tiers of the Chinese index too (see 0003): ranking a common Chinese term
starts from the translations that repeat it, as an English word's does."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sample_and_repeated_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX utterance_repeated_zh ON calls_utterance"
            " USING gin (callvault_repeated_lexemes(search_zh))",
            "DROP INDEX IF EXISTS utterance_repeated_zh",
        ),
    ]
