"""The anonymiser's trained tagger (kb/pii_model.py, the shipped model kb/models/pii_crf.bin).

The sentences are fictional and written for these tests, in forms no hand-written rule names: the
tagger has to carry over what it learned from the words around names and workplaces.
"""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import anonymize as A
from kb import pii_model
from kb_cli.cli import main

ROOT = Path(__file__).resolve().parent.parent


def masked(text, **kw):
    return {s.text for s in A.analyse(text, **kw).spans}


@pytest.mark.parametrize("text, expected", [
    ("送迎車の運転手、高松から相談がありました。", "高松"),
    ("相談者は農家の大森で、畑の作物が盗まれたとのこと。", "大森"),
    ("関係者は「みどり農園」の経営者とみられる。", "みどり農園"),
])
def test_the_tagger_finds_what_no_rule_names(text, expected):
    assert expected not in masked(text, use_tagger=False)
    assert expected in masked(text)


def test_an_age_right_by_a_found_name_is_masked_and_a_legal_age_is_not():
    text = "被害者は近所の農家の井口トキ、八十二歳で、一人暮らし。"
    assert "八十二歳" not in masked(text, use_tagger=False)
    assert masked(text) == {"井口トキ", "八十二歳"}
    assert masked("14歳未満の者の行為は罰しない。") == set()


@pytest.mark.parametrize("text, title", [
    ("「ストーカー事案対応マニュアル」の最新版はどこで入手できますか。", "ストーカー事案対応マニュアル"),
    ("会場は公民館で、「防犯ボランティア・フェスタ」を開催する。", "防犯ボランティア・フェスタ"),
])
def test_a_quoted_title_with_no_tie_is_left_to_the_reviewer(text, title):
    found = A.analyse(text)
    assert not found.spans
    assert title in {s.text for s in found.review}


@pytest.mark.parametrize("text, kind, name", [
    ("男は建設会社「大和田工務店」の現場主任です。", "建設会社", "大和田工務店"),
    ("元社員は物流会社「株式会社ミナミ急送」を解雇された。", "物流会社", "株式会社ミナミ急送"),
])
def test_a_kind_before_a_name_that_says_its_own_kind_stays(text, kind, name):
    out = A.anonymize(text).text
    assert kind in out and name not in out


@pytest.mark.parametrize("text", [
    "### 第一章 通則 {#part-1-ch-1}\n\n#### 第一条（国内犯）",
    "熊本から転勤してきた巡査が配属されました。",
    "ヤマト運輸の不在通知を装った偽メッセージに注意してください。",
])
def test_places_and_companies_are_no_names(text):
    assert masked(text) == set()


def test_a_relation_before_the_name_stays():
    text = "家出したのは高校1年の娘・ひなたで、友人宅にいる可能性がある。"
    found = A.analyse(text)
    assert {s.text for s in found.spans + found.review} == {"ひなた"}     # masked or for review, 娘 stays


def test_a_shop_s_kind_stays_and_its_name_goes():
    out = A.anonymize("ネイルサロンLunaで働くネイリストの女性から相談。")
    assert "ネイルサロン" in out.text and "Luna" not in out.text


@pytest.mark.parametrize("text", [
    "第三条　この法律において「少年」とは、二十歳に満たない者をいう。",
    "警察官は、異常な挙動その他周囲の事情から合理的に判断して何らかの犯罪を犯し、若しくは犯そうとしていると疑うに足りる相当な理由のある者を停止させて質問することができる。",
    "昭和六十年度以降の各年度において、同項の規定により交付すべき額を算定する。",
    "ストーカー規制法の「つきまとい等」に当たるか御教示ください。",
    "小川沿いの市道で見物客が転倒した。",
])
def test_legal_language_and_places_are_not_masked(text):
    assert masked(text) == set()


def test_an_unsure_proposal_is_left_to_the_reviewer(monkeypatch):
    text = "相談者は農家の大森で、畑の作物が盗まれたとのこと。"
    monkeypatch.setattr(A, "TAGGER_SURE", 1.01)        # the tagger is never sure enough on its own
    found = A.analyse(text)
    assert "大森" not in {s.text for s in found.spans}
    assert "大森" in {s.text for s in found.review}


def test_romaji_from_the_tagger_is_only_for_review():
    found = A.analyse("アカウント「admin」は管理者用です。")
    assert not found.spans


def test_the_shipped_model_is_in_the_package():
    assert pii_model.MODEL_PATH == ROOT / "kb" / "models" / "pii_crf.bin"
    assert pii_model.MODEL_PATH.stat().st_size > 10_000


def _lines(n):
    names = ["大石", "高松", "杉浦", "岩佐", "浜口", "松葉", "北条", "長谷部"]
    roles = ["管理人", "店主", "同僚", "知人"]
    return [json.dumps({"id": f"t{i}", "fictional": True,
                        "text": f"{roles[i % 4]}の{names[i % 8]}から、昨夜の件で相談がありました。",
                        "pii": [{"type": "person", "text": names[i % 8]}]}, ensure_ascii=False)
            for i in range(n)]


def test_train_anonymiser_writes_a_model_that_tags(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(_lines(24)) + "\n", encoding="utf-8")
    out = tmp_path / "model.bin"
    shipped = pii_model.MODEL_PATH.read_bytes()
    result = CliRunner().invoke(main, ["train-anonymiser", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "trained on 24 inquiries" in result.output
    import pycrfsuite
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out))
    words = A.tokens_of("知人の岩佐から相談がありました。")
    tags = tagger.tag(pii_model.features(words))
    assert [w.s for w, t in zip(words, tags, strict=True) if t != "O"] == ["岩佐"]
    assert pii_model.MODEL_PATH.read_bytes() == shipped        # --out leaves the shipped model alone


def test_train_anonymiser_refuses_a_line_without_labels(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text(_lines(1)[0] + "\n" + json.dumps({"text": "ラベルのない行"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    out = tmp_path / "model.bin"
    result = CliRunner().invoke(main, ["train-anonymiser", str(data), "--out", str(out)])
    assert result.exit_code != 0
    assert "train.jsonl:2" in result.output and "nothing was trained" in result.output
    assert not out.exists()


@pytest.mark.parametrize("text, masked, review", [
    ("夫・健一から暴力を受けていると相談。", {"健一"}, set()),
    ("長男・次男が家の前で喧嘩をしていた。", set(), set()),
    ("夫・いとこと三人で来所した。", set(), set()),
    ("祖母・同居人の男性が通報した。", set(), set()),
    ("母・ヘルパーが交代で見守っている。", set(), {"ヘルパー"}),
])
def test_after_a_relation_and_a_dot_only_a_name_is_masked(text, masked, review):
    found = A.analyse(text)
    assert {s.text for s in found.spans} == masked
    assert {s.text for s in found.review} == review
