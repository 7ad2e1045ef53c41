"""Saved corpus files into the index through the single writer (indexer.updates), for the desk
and the editor alike; the answer is the Japanese line the page flashes."""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from indexer.generations import IndexMissing
from indexer.updates import IndexBusy, get_updater
from kb.era import JST
from kb.reconcile import reconcile
from webui.cluster import record_corpus_writes

INDEX_TIMEOUT = 30.0
log = logging.getLogger(__name__)


def reindex(doc_ids: list[str]) -> str:
    """Re-index saved documents; a line saying when they are searchable ("" for nothing to do)."""
    if not doc_ids:
        return ""
    log_for_other_nodes(doc_ids)
    updater = get_updater(Path(current_app.config["CORPUS"]), Path(current_app.config["INDEX"]))
    try:
        result = updater.update_documents(doc_ids, timeout=INDEX_TIMEOUT)
    except OSError as e:               # the index volume is full or read-only: the file is saved
        log.error("index update of %s failed: %s", doc_ids, e)
        return ("保存は完了しましたが、索引を更新できなかったため、まだ検索には反映されていません"
                "（索引の保存先の容量不足か、書き込みできない状態です）。システム管理者に連絡してください。")
    except IndexBusy:
        return "索引の更新が混み合っているため、検索への反映が遅れています（順番に反映されます）。"
    except IndexMissing:
        return "索引がまだ作成されていないため、kb index の実行後に検索できるようになります。"
    if result.journaled:
        return "索引の再構築中のため、再構築が終わりしだい検索に反映されます。"
    now = dt.datetime.now(JST).strftime("%H:%M:%S")
    return f"検索に反映しました（{now}、{result.seconds:.1f}秒）。いまから検索で見つかります。"


def log_for_other_nodes(doc_ids: list[str]) -> None:
    """A cluster node logs its writes (webui.cluster); a failure is logged, the file stays saved."""
    try:
        record_corpus_writes(doc_ids)
    except (SQLAlchemyError, OSError) as e:
        log.error("corpus change log not written for %s (the other nodes miss it): %s", doc_ids, e)


def reconcile_at_start(app) -> None:
    """Settle writes a killed process left half done (kb.reconcile) and bring the index in line."""
    corpus = Path(app.config["CORPUS"])
    done = reconcile(app.extensions["kb.db"], corpus)
    if not done.changed_ids:
        return
    log.warning("reconciled interrupted writes: removed cases %s, quarantined %s, completed saves %s",
                done.removed_cases, done.quarantined, done.completed_saves)
    with app.app_context():
        log_for_other_nodes(done.changed_ids)
    try:
        get_updater(corpus, Path(app.config["INDEX"])).update_documents(done.changed_ids, timeout=INDEX_TIMEOUT)
    except (IndexMissing, IndexBusy, OSError) as e:
        log.error("index not updated after reconciling (%s); `kb reindex` will", e)
