"""Saved corpus files into the index through the single writer (indexer.updates), for the desk
and the editor alike; the answer is the Japanese line the page flashes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app

from kb.era import JST

INDEX_TIMEOUT = 30.0


def reindex(doc_ids: list[str]) -> str:
    """Re-index saved documents; a line saying when they are searchable ("" for nothing to do)."""
    from indexer.generations import IndexMissing
    from indexer.updates import IndexBusy, get_updater
    if not doc_ids:
        return ""
    updater = get_updater(Path(current_app.config["CORPUS"]), Path(current_app.config["INDEX"]))
    try:
        result = updater.update_documents(doc_ids, timeout=INDEX_TIMEOUT)
    except IndexBusy:
        return "索引の更新が混み合っているため、検索への反映が遅れています（順番に反映されます）。"
    except IndexMissing:
        return "索引がまだ作成されていないため、kb index の実行後に検索できるようになります。"
    if result.journaled:
        return "索引の再構築中のため、再構築が終わりしだい検索に反映されます。"
    now = dt.datetime.now(JST).strftime("%H:%M:%S")
    return f"検索に反映しました（{now}、{result.seconds:.1f}秒）。いまから検索で見つかります。"
