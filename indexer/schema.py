"""The Whoosh schema: one index document per corpus section."""
from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

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
        doc_title=STORED(),
        heading=TEXT(analyzer=text, stored=True),
        # indexed: title, chapter headings, tags, heading and text of the section (one field keeps
        # queries small: Whoosh is pure Python); stored: the section's plain text, for snippets
        body=TEXT(analyzer=text, stored=True, phrase=True),
        reading=TEXT(analyzer=ReadingAnalyzer(), phrase=True),
        breadcrumb=STORED(),
        date=STORED(),
        order=NUMERIC(stored=True, sortable=True),
        length=NUMERIC(stored=True),
        # prior weight in percent (a float column trips a Whoosh bug), see indexer.scoring
        weight=NUMERIC(int, bits=32, stored=True, sortable=True),
    )
