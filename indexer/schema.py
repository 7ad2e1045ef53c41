"""The Whoosh schema: one index document per corpus section."""
from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from indexer.analysis import JapaneseAnalyzer, ReadingAnalyzer


def section_schema() -> Schema:
    text = JapaneseAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),          # doc_id#section_id
        doc_id=ID(stored=True),
        section_id=ID(stored=True),
        kind=ID(stored=True),
        status=ID(stored=True),
        in_force=BOOLEAN(stored=True),
        department=ID(stored=True),
        confidentiality=ID(stored=True),
        allowed=KEYWORD(stored=True, commas=True),
        # a case imported from another prefecture (kb.share_import): filterable, and its source
        # (organisation and dates) shown as the result's badge
        shared=BOOLEAN(stored=False),
        origin=STORED(),
        doc_title=STORED(),
        heading=TEXT(analyzer=text, stored=True),
        # indexed: title, chapter headings, tags, heading and text of the section (one field keeps
        # queries small: Whoosh is pure Python); stored: the section's plain text, for snippets
        body=TEXT(analyzer=text, stored=True, phrase=True),
        # matched term by term only (indexer.query reading_query): no positions
        reading=TEXT(analyzer=ReadingAnalyzer(), phrase=False),
        # how officers asked the questions this section answered (indexer.asked, corpus/asked/):
        # each query word scores the better of body and asked (indexer.query, asked_as_max)
        asked=TEXT(analyzer=text, phrase=False),
        breadcrumb=STORED(),
        date=STORED(),
        # only shown, never searched: stored, not indexed (a NUMERIC field indexes 8 terms a value)
        order=STORED(),
        length=STORED(),
        # prior weight in percent (a float column trips a Whoosh bug), see indexer.scoring;
        # read from its column only
        weight=COLUMN(NumericColumn("i", default=0)),
    )
