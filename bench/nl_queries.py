"""Distinct natural-language queries for load tests: a question plus one extra word.

Twenty officers typing their own questions ask nearly nothing twice, so a result cache answers
almost none of them. The questions are the natural-language ones of the dev set (types question
and paraphrase) and of bench/queries.txt; the extra words are everyday words of police work.
The words are the built-in everyday ones and the most frequent nouns of the corpus's manuals and
inquiries (Sudachi), several hundred in all. Every (question, word) pair appears once before any
repeats, in a fixed shuffled order; load generators give each client its own share of them.
"""
from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = Path(os.environ.get("KB_EVAL_DEV", REPO.parent / "shared" / "eval" / "dev.jsonl"))
QUERIES = Path(__file__).with_name("queries.txt")
NL_TYPES = {"question", "paraphrase"}
FALLBACK_QUESTIONS = [
    "交通違反した人を交番に連れて行くとき誰の指示がいる？", "泥酔者を保護できるのは最長何時間？",
    "交番の防犯上の安全確保について国はどう言っている", "応援業務に10日以上出すには本部長の承認が要る？",
    "事件現場で地域の警察官がまずやるべき措置の範囲", "勤務交代時の引き継ぎ方法",
]
EXTRA_WORDS = (
    "夜間 休日 深夜 至急 現場 交番 駐在所 警察署 本部 住民 高齢者 少年 女性 外国人 車両 自転車 "
    "歩行者 道路 駅前 繁華街 学校 病院 店舗 住宅 公園 雨天 当番 非番 署長 課長 係長 巡査 部長 "
    "通報 相談 届出 報告 記録 書類 写真 携帯電話 免許証 身分証 家族 保護者 近所 目撃者 被害者 "
    "加害者 事故 けが 救急 応援 連絡 指示 確認 手続 注意 場合"
).split()


def questions() -> list[str]:
    """Natural-language questions: the dev set's, else the long lines of queries.txt."""
    out: list[str] = []
    if DEV.is_file():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item.get("type") in NL_TYPES:
                    out.append(item["query"])
    if not out and QUERIES.is_file():
        out = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if len(q) >= 12 and " " not in q]
    return out or list(FALLBACK_QUESTIONS)


CORPUS = Path(os.environ.get("KB_CORPUS") or REPO / "corpus")
CORPUS_WORDS = 400
KANJI_OR_KATAKANA = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")


def extra_words() -> list[str]:
    """EXTRA_WORDS, then the corpus's most frequent common nouns (2+ characters) not among them."""
    words = list(EXTRA_WORDS)
    texts = [p.read_text(encoding="utf-8") for sub in ("manuals", "inquiries")
             for p in sorted((CORPUS / sub).glob("**/*.md"))] if CORPUS.is_dir() else []
    if not texts:
        return words
    from collections import Counter

    from kb.sudachi import tokenize
    counts: Counter = Counter()
    for text in texts:
        if text.startswith("---"):
            text = text.split("\n---", 1)[-1]          # the body, not the front matter
        for line in text.splitlines():
            if not line.strip() or len(line) > 4000:
                continue
            for m in tokenize(line):
                pos = m.part_of_speech()
                if pos[0] == "名詞" and pos[1] == "普通名詞" and len(m.surface()) >= 2 \
                        and KANJI_OR_KATAKANA.search(m.surface()) and not m.surface().isascii():
                    counts[m.surface()] += 1
    seen = set(words)
    for word, _ in counts.most_common():
        if len(words) >= len(EXTRA_WORDS) + CORPUS_WORDS:
            break
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def distinct_queries(n: int, seed: int = 19) -> list[str]:
    """`n` queries, question + " " + word, no pair repeated until all are used."""
    pairs = [f"{q} {w}" for q in questions() for w in extra_words()]
    random.Random(seed).shuffle(pairs)
    return [pairs[i % len(pairs)] for i in range(n)]
