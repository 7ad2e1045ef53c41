"""Importing official texts into corpus Markdown: structure, anchors, metadata (real source files)."""
import datetime as dt
from pathlib import Path

import pytest
import yaml

from kb.document import parse_document, read_document
from kb.importer import guess_kind, import_sources, import_text, parse_structure, read_sources_table
from shared_data import SOURCES, require

require(SOURCES, "the corpus sources", module_level=True)
CORPUS = Path(__file__).resolve().parent.parent / "corpus"
OKAYAMA = "okayama-chiiki-keisatsu-unei-kitei"
NOTICE = "npa-tsutatsu-2022-keisatsu-unei"
SHOKUMU = "law-keisatsukan-shokumu-shikko-ho"
LAW_FILES = sorted(p.stem for p in SOURCES.glob("law-*.txt"))


def source(name: str) -> str:
    return (SOURCES / f"{name}.txt").read_text(encoding="utf-8")


def imported(name: str, **kw):
    return parse_document(import_text(source(name), doc_id=name, **kw))


def sections(doc) -> dict:
    return {s.id: s for s in doc.sections}


# ---------------------------------------------------------------- Okayama 規程 (prefectural style)

def test_okayama_structure_report():
    report = parse_structure(source(OKAYAMA))
    assert report.kind == "regulation"
    assert report.articles == 43
    assert [n.anchor for n in report.nodes if n.kind == "article"] == [f"art-{i}" for i in range(1, 44)]
    assert report.suppl_blocks == 3
    assert report.tables == 2
    assert report.chapters == 6
    assert report.meta["number"] == "警察訓令第42号"
    assert report.meta["promulgated"] == dt.date(2024, 12, 23)
    assert report.meta["effective_from"] == dt.date(2025, 1, 1)


def test_okayama_sections():
    doc = imported(OKAYAMA)
    secs = sections(doc)
    for i in range(1, 44):
        assert f"art-{i}" in secs
    for sid in ("suppl", "suppl-2", "suppl-3", "table-1", "table-2"):
        assert sid in secs
    art3 = secs["art-3"]
    assert art3.heading == "第3条（初動的な措置の範囲等）"
    assert art3.breadcrumb == ["岡山県警察地域警察運営規程", "第1章 総則", "第3条（初動的な措置の範囲等）"]
    assert "交通法令違反者" in art3.text
    assert "- (1) 事件又は事故の現場における措置\n  - ア 被害届の受理" in art3.text
    assert "\n\n2 犯罪に起因すると認められる災害の現場" in art3.text
    assert secs["art-29"].breadcrumb[1] == "第2章 交番等"
    assert "| 勤務計画表 | 警察署及び機動警ら隊 | 1年 |" in secs["art-42"].text
    assert "| 第1当番日 | 午前8時30分 | 翌日午前8時30分 | 15時間30分 | 8時間30分 |" in secs["table-1"].text
    assert secs["table-2"].heading == "別表第2（第15条関係）"
    assert "令和7年4月1日から施行する" in secs["suppl-2"].text
    assert "目次" not in doc.body


def test_okayama_caption_glued_to_previous_line_is_split_off():
    doc = imported(OKAYAMA)
    secs = sections(doc)
    assert secs["art-10"].heading == "第10条（勤務制の指定）"
    assert not secs["art-9"].text.endswith("（勤務制の指定）")
    assert "  - イ 毎日勤務\n    毎日一定時間" in secs["art-9"].text


def test_okayama_front_matter_from_sources(tmp_path):
    import_sources(SOURCES, tmp_path)
    doc = read_document(tmp_path / "regulations" / f"{OKAYAMA}.md")
    assert doc.meta["department"] == "地域部地域課"
    assert doc.meta["source"] == "Okayama Prefectural Police, published 訓令"
    assert doc.meta["supersedes"] == ["岡山県警察地域警察運営規程（平成5年岡山県警察訓令第7号）"]


# ---------------------------------------------------------------- e-Gov laws

def test_shokumu_shikko_ho_articles():
    doc = imported(SHOKUMU)
    secs = sections(doc)
    articles = [s.id for s in doc.sections if s.id.startswith("art-")]
    assert articles == [f"art-{i}" for i in range(1, 9)]  # this version has no 第六条の二 / 第七条の二
    assert secs["art-3"].heading == "第三条（保護）"
    assert "- 一　精神錯乱又は泥酔のため" in secs["art-3"].text
    assert "\n\n２　前項の措置をとつた場合" in secs["art-3"].text
    assert "武器を使用することができる" in secs["art-7"].text
    assert {"suppl", "suppl-2", "suppl-3", "suppl-4", "suppl-5-art-1", "suppl-5-art-4"} <= set(secs)
    assert "suppl-5" not in secs  # that 附則 holds only articles: a breadcrumb, not a section
    assert secs["suppl-5-art-1"].breadcrumb[1] == "附則（令和七年五月二三日法律第四三号）抄"
    assert doc.meta["number"] == "昭和二十三年法律第百三十六号"
    assert doc.meta["kind"] == "law"


@pytest.mark.parametrize("name", LAW_FILES)
def test_every_law_imports(name):
    report = parse_structure(source(name))
    assert report.kind == "law"
    assert report.articles > 0
    assert report.suppl_blocks > 0
    assert len(report.anchors) == len(set(report.anchors))
    doc = parse_document(import_text(source(name), doc_id=name))
    ids = [s.id for s in doc.sections]
    assert len(ids) == len(set(ids))
    assert "art-1" in ids
    assert doc.meta["number"].endswith("号")


def test_prewar_law_katakana_branch_numbers_and_numbered_title():
    doc = imported("law-boryoku-koi-shobatsu-ho")
    secs = sections(doc)
    assert doc.meta["title"] == "暴力行為等処罰ニ関スル法律"
    assert doc.meta["number"] == "大正十五年法律第六十号"
    assert secs["art-1-2"].heading == "第一条ノ二"  # 第一条ノ二 is its own article, not text of 第一条
    assert "銃砲若ハクロスボウ" in secs["art-1-2"].text
    assert "銃砲若ハクロスボウ" not in secs["art-1"].text
    assert secs["art-1-3"].heading == "第一条ノ三"


def test_parts_chapters_sections_and_many_suppl_blocks():
    report = parse_structure(source("law-keiho"))
    headings = {n.anchor: n.heading for n in report.nodes}
    assert headings["part-2"] == "第二編 罪"
    assert headings["part-2-ch-36"] == "第三十六章 窃盗及び強盗の罪"
    assert headings["art-235"].startswith("第二百三十五条（窃盗）")
    assert headings["art-3-2"].startswith("第三条の二")
    assert report.suppl_blocks > 20
    assert len(report.anchors) == len(set(report.anchors))


def test_old_form_of_article_character():
    text = "平成元年法律第一号\n試験法\n第一條　本則。\n第一條ノ二　枝番号。\n附　則\nこの法律は公布の日から施行する。\n"
    assert parse_structure(text).anchors == ["art-1", "art-1-2", "suppl"]


def test_egov_toc_chapters_and_deleted_articles():
    doc = imported("law-doro-kotsu-ho")
    secs = sections(doc)
    assert secs["art-34"].breadcrumb == ["道路交通法", "第三章 車両及び路面電車の交通方法",
                                         "第六節 交差点における通行方法等", "第三十四条（左折又は右折）"]
    assert secs["art-69"].text == "削除"
    # e-Gov's penalty notes follow their article; they are not the next article's caption
    assert secs["art-37"].heading == "第三十七条"
    assert "（罰則　第一項については" in secs["art-36"].text
    assert "（第一条―第九条）" not in doc.body  # the 目次 is skipped


def test_egov_article_ranges_and_suppl_numbering():
    report = parse_structure(source("law-seishin-hoken-fukushi-ho"))
    headings = {n.anchor: n.heading for n in report.nodes}
    assert headings["art-10"] == "第十条及び第十一条"
    assert headings["art-19-6-2"].startswith("第十九条の六の二")
    assert headings["suppl-16-art-63"].startswith("第六十三条")  # 附則 articles restart per block
    assert headings["suppl-19-art-1"].startswith("第一条")
    assert report.count("article", in_suppl=True) > 100


def test_egov_tables_and_appendices():
    secs = sections(imported("law-doro-kotsu-ho-shikorei"))
    table6 = secs["table-6"].text
    assert secs["table-6"].heading == "別表第六（第四十五条関係）"
    assert "| 一　積載物重量制限超過（普通等十割以上） | 普通車 | 三万五千円 |" in table6
    assert "|  | 二輪車 | 三万円 |" in table6  # rowspan cells of e-Gov rows are re-aligned to the right
    assert "| 法第二十二条の二第一項に規定する最高速度違反行為 |" in secs["art-26-7"].text
    techo = sections(imported("law-keisatsu-techo-kisoku"))
    assert techo["fig-1"].heading == "別図一（第二条関係）"
    assert "チヨコレート色革製" in techo["fig-1"].text


def test_effective_from_only_when_the_first_suppl_names_a_date():
    assert parse_structure(source("law-kosoku-doro-kotsu-keisatsu-kisoku")).meta["effective_from"] \
        == dt.date(1971, 4, 1)
    assert parse_structure(source("law-doro-kotsu-ho-shikorei")).meta["effective_from"] == dt.date(1960, 12, 20)
    assert parse_structure(source(SHOKUMU)).meta["effective_from"] is None


# ---------------------------------------------------------------- NPA 通達

def test_notice_items_and_metadata():
    report = parse_structure(source(NOTICE))
    assert report.kind == "notice"
    meta = report.meta
    assert meta["number"] == "警察庁丙企画発第32号ほか"
    assert meta["promulgated"] == dt.date(2022, 6, 1)
    assert meta["effective_until"] == dt.date(2028, 3, 31)
    assert meta["issuer"] == "警察庁長官官房長"
    assert meta["title"] == "変容する日本社会に対応するための警察運営に向けた取組について（通達）"
    assert meta["supersedes"] == ["「今後の日本社会の変化に適応するための警察運営に向けた取組について（通達）」"
                                  "（平成31年4月1日付け警察庁丙企画発第6号ほか）"]


def test_notice_sections():
    doc = imported(NOTICE)
    secs = sections(doc)
    assert doc.meta["effective_until"] == dt.date(2028, 3, 31)
    a = secs["ki-1-2-a"]
    assert a.heading == "ア 相談・照会体制及びマニュアル等の整備"
    assert a.breadcrumb == [doc.meta["title"], "1 取り組むべき事項", "(2) 第一線における職務執行を支える取組",
                            "ア 相談・照会体制及びマニュアル等の整備"]
    assert "相談・照会に直ちに応じる窓口" in a.text
    assert {"ki-1-1-a", "ki-1-1-i", "ki-1-3-i", "ki-1-4", "ki-2-1", "ki-2-3", "annex-1"} <= set(secs)
    assert "ki-1" not in secs  # a heading without its own text is only a breadcrumb
    assert "把握できる体制となるよう努めること" in secs["ki-2-2"].text  # line broken in the source
    assert "| 室長 | 官房長 |" in secs["annex-1"].text
    assert "旧通達は廃止する" in secs["preamble"].text


# ---------------------------------------------------------------- kinds, errors, front matter

def test_guess_kind():
    assert guess_kind(source(NOTICE)) == "notice"
    assert guess_kind(source(OKAYAMA)) == "regulation"
    assert guess_kind(source("law-chiiki-keisatsu-unei-kisoku")) == "law"
    assert guess_kind(source("law-doro-kotsu-ho-shikorei")) == "law"


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_empty_text_is_rejected_in_japanese(text):
    with pytest.raises(ValueError) as e:
        import_text(text)
    assert "本文が空です" in str(e.value)
    assert e.value.message_ja == "本文が空です"


def test_unrecognisable_text_is_rejected():
    with pytest.raises(ValueError, match="種類"):
        import_text("今日は良い天気です。")
    with pytest.raises(ValueError, match="構造を読み取れません"):
        import_text("今日は良い天気です。", kind="regulation")


def test_front_matter_shape():
    text = import_text(source(SHOKUMU), doc_id=SHOKUMU, source="e-Gov")
    head = yaml.safe_load(text.split("---\n")[1])
    assert list(head)[:3] == ["id", "title", "kind"]
    assert head["id"] == SHOKUMU and head["source"] == "e-Gov" and head["status"] == "in_force"
    assert head["effective_from"] is None and head["supersedes"] == [] and head["tags"] == []
    assert "\n# 警察官職務執行法\n" in text
    assert "## 第一条（この法律の目的） {#art-1}" in text


def test_anchor_collisions_get_suffixes():
    text = "昭和一年法律第一号\n試験法\n第一条　甲。\n第一条　乙。\n附　則\nこの法律は、公布の日から施行する。\n"
    report = parse_structure(text)
    assert report.anchors == ["art-1", "art-1-2", "suppl"]


# ---------------------------------------------------------------- bulk import and the corpus

def test_import_sources_writes_every_file(tmp_path):
    reports = import_sources(SOURCES, tmp_path)
    assert len(reports) == len(list(SOURCES.glob("*.txt")))
    rows, repo = read_sources_table(SOURCES / "SOURCES.md")
    assert repo["commit"].startswith("9d02cc59")
    for name in LAW_FILES:
        doc = read_document(tmp_path / "laws" / f"{name}.md")
        assert doc.meta["id"] == name
        listed = rows[f"{name}.txt"]["title"]
        # a law without a title of its own is listed as 「number（name）」; its title is the name
        assert doc.meta["title"] in (listed, listed.removeprefix(doc.meta["number"])[1:-1])
        assert doc.meta["source"].startswith("e-Gov 法令データ (ledmonster/japanese-law @ 9d02cc59), ")
    shokumu = read_document(tmp_path / "laws" / f"{SHOKUMU}.md")
    assert shokumu.meta["source"].endswith("323AC0000000136, 施行日 2025-06-01")
    notice = read_document(tmp_path / "notices" / f"{NOTICE}.md")
    assert notice.meta["department"] == "警察庁長官官房"
    assert notice.meta["source"] == "National Police Agency, published 通達"


def test_committed_corpus_documents_parse():
    paths = [*(CORPUS / "laws").glob("law-*.md"), *(CORPUS / "regulations").glob(f"{OKAYAMA}.md"),
             *(CORPUS / "notices").glob(f"{NOTICE}.md")]
    assert len(paths) == len(list(SOURCES.glob("*.txt")))
    for path in paths:
        doc = read_document(path)
        assert doc.meta["id"] == path.stem
        assert doc.sections
