"""Words the dictionary does not hold keep their own terms: SudachiPy 0.6 gives every joined
unknown katakana word the same placeholder id, so the analyzer's per-word cache must not use it."""
from indexer.analysis import _analyse
from kb.sudachi import is_unknown, tokenize


def test_two_unknown_katakana_words_are_two_terms():
    assert [e[0] for e in _analyse("センザンコウ手順。")][0] == ("センザンコウ",)
    assert [e[0] for e in _analyse("オオアリクイ型の保管箱。")][0] == ("オオアリクイ",)


def test_unknown_words_are_told_from_dictionary_words():
    assert all(is_unknown(m) for m in tokenize("センザンコウ"))
    assert not any(is_unknown(m) for m in tokenize("保管箱"))
