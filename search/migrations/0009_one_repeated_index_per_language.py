"""One repeated-lexeme index per language, not two: the marked twin (0008) answers the tiers with a
filter and without one, and the Chinese one holds only the paragraphs with a translation.

Each index costs every imported paragraph an evaluation of its expression, and
callvault_repeated_lexemes is a SQL function with a FROM clause, which PostgreSQL cannot inline:
some 9 microseconds a call, even on an empty vector. Storing 34,503 paragraphs (bench/ingest.py,
300 files) spent 0.52 s on utterance_repeated_en, 0.21 s on utterance_repeated_zh and 0.35 s on
utterance_marked_repeated_zh, of the 4.9 s PostgreSQL took for the rows, though no paragraph of
those files has a translation.

- utterance_repeated_en / _zh go. A tier without a filter asks the marked index for its repeated
  lexemes alone: markers are lexemes of their own, so the paragraphs found are the same ones, and
  callvault_marked_repeats adds its markers only to a vector that repeats a word (no larger posting
  lists than the plain index's).
- utterance_marked_repeated_zh is rebuilt over the paragraphs with Chinese terms only
  (cjk_terms <> ''): a paragraph without them has an empty Chinese vector, which no tier matches.
  The tiers' query repeats the predicate (search/textquery.py), which the planner needs to use a
  partial index.
"""

from django.db import migrations

REPEATED = "callvault_repeated_lexemes({column})"
MARKED = "callvault_marked_repeats(callvault_repeated_lexemes({column}), role, company_id, fiscal_year)"


def index(name: str, expression: str, where: str = "") -> str:
    return f"CREATE INDEX {name} ON calls_utterance USING gin (({expression})){where}"


class Migration(migrations.Migration):
    dependencies = [("search", "0008_marked_indexes")]

    operations = [
        migrations.RunSQL(
            "DROP INDEX utterance_repeated_en",
            index("utterance_repeated_en", REPEATED.format(column="search_en")),
        ),
        migrations.RunSQL(
            "DROP INDEX utterance_repeated_zh",
            index("utterance_repeated_zh", REPEATED.format(column="search_zh")),
        ),
        migrations.RunSQL(
            [
                "DROP INDEX utterance_marked_repeated_zh",
                index(
                    "utterance_marked_repeated_zh",
                    MARKED.format(column="search_zh"),
                    " WHERE cjk_terms <> ''",
                ),
            ],
            [
                "DROP INDEX utterance_marked_repeated_zh",
                index("utterance_marked_repeated_zh", MARKED.format(column="search_zh")),
            ],
        ),
    ]
