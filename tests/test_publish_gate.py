"""The last scan before publishing: what stays unmasked in the final text refuses publishing."""
import pytest

from kb.publish_gate import leaks, refusal_ja


@pytest.mark.parametrize("text, kind, found", [
    ("連絡先は090-1234-5678です。", "phone", "090-1234-5678"),
    ("携帯は+82-10-4417-2093です。", "phone", "+82-10-4417-2093"),
    ("車両は岡山 330 さ 12-34でした。", "plate", "岡山 330 さ 12-34"),
    ("原付のナンバーは真庭市あ3321でした。", "plate", "真庭市あ3321"),
    ("メールはtaro@example.jpです。", "email", "taro@example.jp"),
    ("住所は〒700-0001 〔住所〕です。", "postal_code", "〒700-0001"),
    ("免許証番号は663100452871でした。", "id_number", "663100452871"),
    ("口座番号は普通 1234567です。", "account", "1234567"),
    ("相手のLINEのIDはkenta_0721です。", "id_number", "kenta_0721"),
    ("〔氏名A〕の住所は岡山市北区奉還町2丁目5番18号です。", "address", "岡山市北区奉還町2丁目5番18号"),
    ("住所は高梁市成羽町西原台1150番地です。", "address", "高梁市成羽町西原台1150番地"),
])
def test_personal_data_left_in_the_final_text_is_found(text, kind, found):
    assert [(lk.type, lk.text) for lk in leaks(text)] == [(kind, found)]


@pytest.mark.parametrize("text", [
    "〔氏名A〕さん（〔年齢〕、電話〔電話番号〕）から、〔住所〕の自宅で被害に遭ったと届出。",
    "令和7年5月3日午後3時頃、岡山東警察署管内のコンビニ駐車場で発生。道路交通法第72条。",
    "現場は総社市中央3丁目の市道で、国道2号に近い。20歳代の男。110番通報は午後11時20分。",
    "",
])
def test_masked_and_generic_text_passes(text):
    assert leaks(text) == []


def test_the_refusal_names_what_was_found_and_how_to_go_on():
    message = refusal_ja(leaks("連絡先は090-1234-5678、車両は岡山 330 さ 12-34。"))
    assert "電話番号「090-1234-5678」" in message and "車両番号「岡山 330 さ 12-34」" in message
    assert "見落とした語句" in message and "理由" in message and "監査ログ" in message
