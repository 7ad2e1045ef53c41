"""The Sudachi analyzer: search-mode terms, normalized forms, dropped particles, exact offsets."""
from indexer.analysis import JapaneseAnalyzer, ReadingAnalyzer
from indexer.query import segment_reading
from kb.sudachi import MAX_CHUNK, chunks


class Tok:
    """A copy of a Whoosh token (analyzers reuse one Token object)."""

    def __init__(self, t):
        self.text, self.pos, self.startchar, self.endchar = t.text, t.pos, t.startchar, t.endchar


def tokens(text):
    return [Tok(t) for t in JapaneseAnalyzer()(text, positions=True, chars=True)]


def test_offsets_point_at_the_original_text():
    text = "警察官は、交通法令違反者を交番に同行させることができる。"
    for t in tokens(text):
        surface = text[t.startchar:t.endchar]
        assert surface, t.text
        # the indexed term comes from exactly that surface (normalized form may differ in spelling)
        assert t.startchar < t.endchar <= len(text)
    assert [text[t.startchar:t.endchar] for t in tokens(text) if t.text == "同行"] == ["同行"]


def test_offsets_survive_fullwidth_and_long_text():
    text = "前文。" * 3000 + "ＰＣの塗装"
    toks = tokens(text)
    pc = [t for t in toks if t.text == "pc"]
    assert pc and text[pc[0].startchar:pc[0].endchar] == "ＰＣ"


def test_particles_and_symbols_are_dropped():
    terms = [t.text for t in tokens("被害届の受理、及び現場の保存をする。")]
    assert "の" not in terms and "、" not in terms and "。" not in terms
    assert "被害" in terms or "被害届" in terms
    assert "受理" in terms


def test_compound_subunits_share_the_position():
    toks = tokens("警察官職務執行法")
    positions = {t.pos for t in toks}
    terms = {t.text for t in toks}
    assert "警察官職務執行法" in terms
    assert {"職務", "執行"} <= terms
    assert len(positions) == 1


def test_normalized_form_joins_spelling_variants():
    a = {t.text for t in tokens("引継ぎ 取扱い")}
    b = {t.text for t in tokens("引き継ぎ 取り扱い")}
    assert a == b


def test_historical_small_kana_meets_modern_spelling():
    assert {t.text for t in tokens("ものであつて")} & {t.text for t in tokens("ものであって")}


def test_readings_of_kanji_text_meet_a_kana_query():
    vocab = frozenset(t.text for t in ReadingAnalyzer()("週休日の指定。警察手帳を呈示する。"))
    assert "シュウキュウビ" in vocab
    assert segment_reading("シュウキュウビ", vocab) == ["シュウキュウビ"]
    assert segment_reading("ケイサツテチョウ", vocab) in (["ケイサツテチョウ"], ["ケイサツ", "テチョウ"])
    assert segment_reading("ピヨピヨ", vocab) is None


def test_a_long_text_is_cut_after_sentences_and_keeps_its_offsets():
    sentence = "警察官は、異常な挙動その他周囲の事情から合理的に判断して停止させて質問することができる。"
    text = (sentence * 20 + "\n") * 40                  # ~36,000 characters, over Sudachi's limit
    pieces = list(chunks(text))
    assert len(pieces) > 1 and "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset:offset + len(piece)] == piece and len(piece) <= MAX_CHUNK
        assert piece.endswith(("。", "\n")) or offset + len(piece) == len(text)
    # the analyzer's offsets count from the start of the whole text, not of the piece
    assert max(t.endchar for t in tokens(text)) > len(text) - len(sentence)
