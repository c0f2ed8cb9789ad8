"""Chinese text as PostgreSQL can search it: the rules live in calls/text.py (pure Python), shared
with the import, which writes the terms; these names stay here for the search's own modules."""

from calls.text import CJK_IDEOGRAPHS, cjk_runs, fold, has_cjk, index_terms, query_terms

__all__ = ["CJK_IDEOGRAPHS", "cjk_runs", "fold", "has_cjk", "index_terms", "query_terms"]
