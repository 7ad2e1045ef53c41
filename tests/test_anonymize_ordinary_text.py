"""Ordinary officer narrative holds no personal data: the anonymiser masks nothing in it.

bench/ordinary_text.jsonl is a fictional negative set (counts, legal ages, police units, goods in
quotes, quoted statements, SNS counts, katakana compounds); each rule below that narrows a pattern
also checks that the personal data it was written for is still found.
"""
import json
from pathlib import Path

import pytest

from kb.anonymize import anonymize
from kb.publish_gate import leaks

ORDINARY = Path(__file__).resolve().parent.parent / "bench" / "ordinary_text.jsonl"
SENTENCES = [json.loads(line)["text"] for line in ORDINARY.read_text(encoding="utf-8").splitlines() if line.strip()]


def found(text):
    return {(s.type, s.text) for s in anonymize(text).spans}


def test_the_negative_set_is_fictional_and_large_enough():
    rows = [json.loads(line) for line in ORDINARY.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 60
    assert all(r["fictional"] is True for r in rows)
    assert len(set(SENTENCES)) == len(SENTENCES)


@pytest.mark.parametrize("text", SENTENCES)
def test_ordinary_sentence_is_left_as_written(text):
    result = anonymize(text)
    assert [(s.type, s.text) for s in result.spans] == []
    assert result.text == text
    assert leaks(text) == []


# ---------------------------------------------------------------- ages

@pytest.mark.parametrize("text", [
    "民法の成年年齢は18であるため、親の同意は要らない。",
    "刑事責任年齢は14であり、それ未満は処罰されない。",
    "婚姻年齢は18で、男女の差はない。",
    "定年年齢は60と定められている。",
    "平均年齢は42で、前年より上がった。",
    "婚姻できる年齢は18であると説明した。",
])
def test_a_kind_of_age_named_in_law_is_not_someones_age(text):
    assert not any(t == "age" for t, _ in found(text))


@pytest.mark.parametrize("text, age", [
    ("少女は名前を言わず、年齢は十四と答えました。", "十四"),
    ("被害者の年齢は七十五で、認知症の疑いがある。", "七十五"),
    ("遺体の推定年齢は40前後とみられる。", "40"),
    ("本人の年齢：32、職業は無職。", "32"),
    ("被害者年齢：32、性別：女。", "32"),
])
def test_a_persons_age_after_the_word_age_is_still_masked(text, age):
    assert ("age", age) in found(text)


@pytest.mark.parametrize("text", [
    "逮捕者（2）、負傷者（5）の内訳は別紙のとおり。",
    "届出人(2)名が来署した。",
    "第三者(1)からの通報で臨場した。",
    "関係者（3）の聴取を終えた。",
    "男性(2)名、女性(1)名が負傷した。",
])
def test_a_count_in_brackets_is_not_an_age(text):
    assert not any(t == "age" for t, _ in found(text))


@pytest.mark.parametrize("text, age", [
    ("被害少女（15）は市内の中学生である。", "15"),
    ("経営者の女性（58）が110番した。", "58"),
    ("容疑者（四十二）は否認している。", "四十二"),
    ("相談者（71）によると、電話は二度あった。", "71"),
    ("同居人（45）が発見した。", "45"),
])
def test_an_age_in_brackets_after_a_person_is_still_masked(text, age):
    assert ("age", age) in found(text)


# ---------------------------------------------------------------- quoted goods and places

@pytest.mark.parametrize("text", [
    "「電動キックボード」販売店で購入した。",
    "「子ども110番の家」協力店の一覧を作った。",
    "「少年院」と「少年刑務所」の違いを知りたい。",
    "「防犯カメラ」取扱店に設置を相談した。",
    "「特殊詐欺」対策協力店のステッカーを配った。",
    "「寺院」の賽銭箱が壊されていた。",
])
def test_goods_and_institutions_in_quotes_are_not_a_workplace(text):
    assert not any(t == "org_identifying" for t, _ in found(text))


@pytest.mark.parametrize("text, org", [
    ("被害者は市内の「みのり整体院」に勤める。", "みのり整体院"),
    ("かかりつけの「たまの中央クリニック」に照会した。", "たまの中央クリニック"),
    ("勤め先は「ヘアサロン ルミエール」という美容室です。", "ヘアサロン ルミエール"),
    ("「さくら医院」で受診した。", "さくら医院"),
    ("「ひかり接骨院」に通っている。", "ひかり接骨院"),
])
def test_a_named_clinic_or_shop_in_quotes_is_still_masked(text, org):
    assert ("org_identifying", org) in found(text)


# ---------------------------------------------------------------- SNS accounts

@pytest.mark.parametrize("text", [
    "SNSのアカウント100件を凍結した。",
    "Xのアカウント15件について開示請求を検討する。",
    "LINEのアカウント20個が同一端末で作成されていた。",
    "TAXのIDは123456と書かれていた。",
    "BOXのIDはabc123である。",
])
def test_a_count_of_accounts_or_a_word_ending_in_x_is_not_an_account(text):
    assert not any(t == "id_number" for t, _ in found(text))
    assert not any(lk.type == "id_number" for lk in leaks(text))


@pytest.mark.parametrize("text, handle", [
    ("LINEのIDはtomo_0915です。", "tomo_0915"),
    ("インスタのアカウント@mika_love22で連絡してきた。", "@mika_love22"),
    ("XのアカウントはHaru2024で、", "Haru2024"),
    ("相手のTikTokのIDは19870915です。", "19870915"),
])
def test_an_account_name_is_still_masked(text, handle):
    assert ("id_number", handle) in found(text)


# ---------------------------------------------------------------- account holders

@pytest.mark.parametrize("text", [
    "振込先は普通 7765432 名義 ザイ）ミライ財団でした。",
    "振込先は普通 7765432 名義 カ）ミライトレードでした。",
    "口座名義はミライトレード（カ でした。",
    "口座名義はイ）サクラカイ でした。",
    "口座名義はガク）ミドリガクエン でした。",
])
def test_a_legal_entity_holding_an_account_is_not_a_person(text):
    assert not any(t == "person" for t, _ in found(text))


@pytest.mark.parametrize("text, name", [
    ("口座名義はサトウ ハナコです。", "サトウ ハナコ"),
    ("口座名義は呉で、", "呉"),
    ("氏名は陳で、", "陳"),
])
def test_a_person_holding_an_account_is_still_masked(text, name):
    assert ("person", name) in found(text)
