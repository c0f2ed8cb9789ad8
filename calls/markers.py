"""Marker lexemes: a paragraph's role, company and fiscal year, written into its indexed vectors, so
that a filter on them narrows the index lookup itself instead of being tested on every match.

The marked indexes (calls/migrations/0005, search/migrations/0008), twins of the plain full-text,
sample and repeated-lexeme indexes, hold callvault_marked(vector, role, company_id, fiscal_year):
the vector with three lexemes more, such as 'role analyst', 'company 12' and 'year 2020'. A search
for "quarter" by analysts asks the index for 'quarter' & 'role analyst' and reads the analysts'
matches only; with the role tested on each row, a common word read every match (PostgreSQL's GIN
cannot hold a plain column beside the lexemes without btree_gin, which the embedded server does
not ship). Each marker costs an index entry per paragraph, so only the filters that keep a small
share of the paragraphs are marked: not the section (half of them each) nor the quarter (a
quarter); the speaker has its own b-tree and few paragraphs. The repeated-lexeme twins mark only
the paragraphs that repeat a word (callvault_marked_repeats): a tier asks for a repeated word, so
no other paragraph can match it.

A marker has a space in it, which no lexeme of the text parser's has, so no word typed can match
one; and markers have no positions, so for a query without markers `marked @@ q` is `vector @@ q`,
phrases included. The filters' own column conditions still apply beside them: the markers only
make the index do the narrowing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVectorField
from django.db.models import BooleanField, F, Func

# The columns callvault_marked writes as markers, in its arguments' order, with each marker's word.
MARKED_COLUMNS = {"role": "role", "company_id": "company", "fiscal_year": "year"}


class Marked(Func):
    """callvault_marked(<vector>, role, company_id, fiscal_year), or with `repeats`
    callvault_marked_repeats (markers only on a vector with lexemes): word for word the indexes'
    expressions (the planner uses an expression index only for the same expression)."""

    output_field = SearchVectorField()

    def __init__(self, vector, *, repeats: bool = False, **extra):
        self.function = "callvault_marked_repeats" if repeats else "callvault_marked"
        super().__init__(vector, *(F(column) for column in MARKED_COLUMNS), **extra)


class Matches(Func):
    """<vector> @@ <query>, with `markers` (marker_query's text) AND-ed to the query when given."""

    output_field = BooleanField()

    def __init__(self, vector, query, *, markers: str = ""):
        super().__init__(vector, query)
        self.markers = markers

    def as_sql(self, compiler, connection, **extra_context):
        vector, vector_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        if not self.markers:
            return f"{vector} @@ {query}", [*vector_params, *query_params]
        return f"{vector} @@ ({query} && %s::tsquery)", [*vector_params, *query_params, self.markers]


def marker_query(selections: dict[str, Iterable]) -> str:
    """The tsquery text (for a ::tsquery cast, never a parser) of `selections`, a marked column's
    values asked for by column: one column's values OR-ed, the columns AND-ed; "" for none."""
    parts = []
    for column, values in selections.items():
        markers = sorted({_quoted(f"{MARKED_COLUMNS[column]} {value}") for value in values})
        if markers:
            parts.append("(" + " | ".join(markers) + ")")
    return " & ".join(parts)


def _quoted(lexeme: str) -> str:
    # tsquery's text form: a quoted lexeme, with its quotes and backslashes escaped.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
