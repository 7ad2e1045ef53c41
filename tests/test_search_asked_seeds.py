"""Expected questions (corpus/asked/, kb.asked_seeds): officers' everyday wordings of an article,
indexed with it as its 「asked as」 field at every build; unreadable files and wordings that name
no section are reported, never silently used."""
import os
import shutil

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO_CORPUS, build_site
from indexer.search import Filters, SearchEngine
from kb.asked_seeds import read_seeds
from kb.check import check_corpus
from kb.store import atomic_write
from kb_cli.cli import main

KEISHOKU = "law-keisatsukan-shokumu-shikko-ho"
KEIHANZAI = "law-keihanzai-ho"
OFFICIAL = Filters(kinds=("law",))


def seeds(document: str, sections: dict) -> str:
    return yaml.safe_dump({"document": document, "fictional": True, "sections": sections}, allow_unicode=True)


@pytest.fixture
def site(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "laws").mkdir(parents=True)
    for doc in (KEISHOKU, KEIHANZAI):
        shutil.copy(REPO_CORPUS / "laws" / f"{doc}.md", corpus / "laws")
    return corpus, tmp_path


def first_law(site, query):
    corpus, base = site
    hits = SearchEngine(base / "index", corpus / "dictionary").search(query, filters=OFFICIAL).hits
    return f"{hits[0].doc_id}#{hits[0].section_id}" if hits else None


def test_an_expected_question_leads_a_new_wording_to_its_article(site):
    corpus, base = site
    build_site(corpus, base)
    query = "キャッチの客引きがしつこい"
    assert first_law(site, query) != f"{KEISHOKU}#art-2"          # neither law says キャッチ
    atomic_write(corpus / "asked" / f"{KEISHOKU}.yaml",
                 seeds(KEISHOKU, {"art-2": ["繁華街のキャッチに声をかけて話を聞ける？"]}))
    build_site(corpus, base)
    assert first_law(site, query) == f"{KEISHOKU}#art-2"
    (corpus / "asked" / f"{KEISHOKU}.yaml").unlink()
    build_site(corpus, base)
    assert first_law(site, query) != f"{KEISHOKU}#art-2"


def test_unreadable_files_and_entries_are_reported_and_the_rest_is_read(tmp_path):
    atomic_write(tmp_path / "asked" / "a.yaml", "document: x\nsections: [unclosed\n")
    atomic_write(tmp_path / "asked" / "b.yaml", "- just a list\n")
    atomic_write(tmp_path / "asked" / f"{KEISHOKU}.yaml", seeds(KEISHOKU, {
        "art-2": ["職質で呼び止めていい？", "  改行\nを含む   質問  "],
        "art-3": "not a list",
        "art-4": [12],
        "art-5": ["長" * 301],
        "": ["見出しのない節"],
    }))
    atomic_write(tmp_path / "asked" / "other-name.yaml", seeds(KEIHANZAI, {"art-1": ["軽犯罪法 1条"]}))
    atomic_write(tmp_path / "asked" / f"{KEIHANZAI}.yml", seeds(KEIHANZAI, {"art-1": ["拡張子違い"]}))
    found = read_seeds(tmp_path)
    atomic_write(tmp_path / "asked" / ".draft.yaml.swp", "editor state")
    atomic_write(tmp_path / "asked" / f"{KEISHOKU}.yaml~", "editor backup")
    assert found.wordings == {f"{KEISHOKU}#art-2": ["職質で呼び止めていい？", "改行 を含む 質問"]}
    assert len(read_seeds(tmp_path).problems) == len(found.problems)     # hidden files and backups~ aside
    messages = sorted((p.path.rsplit("/", 1)[-1], p.message.split(":")[0]) for p in found.problems)
    assert messages == [("a.yaml", "unreadable expected questions"),
                        ("b.yaml", "expected `document"),
                        (f"{KEIHANZAI}.yml", "not read"),
                        (f"{KEISHOKU}.yaml", "a section without its id"),
                        (f"{KEISHOKU}.yaml", "section art-3"), (f"{KEISHOKU}.yaml", "section art-4"),
                        (f"{KEISHOKU}.yaml", "section art-5"),
                        ("other-name.yaml", f"document '{KEIHANZAI}' in a file named other-name.yaml")]


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "asked" / f"{KEISHOKU}.yaml"
    atomic_write(path, seeds(KEISHOKU, {"art-2": ["職質で呼び止めていい？"]}))
    assert read_seeds(tmp_path).wordings == {f"{KEISHOKU}#art-2": ["職質で呼び止めていい？"]}
    before = path.stat().st_mtime_ns
    atomic_write(path, seeds(KEISHOKU, {"art-3": ["職質で呼び止めていい？"]}))      # the same size
    os.utime(path, ns=(before, before))       # and the same time stamp: still another version
    assert read_seeds(tmp_path).wordings == {f"{KEISHOKU}#art-3": ["職質で呼び止めていい？"]}


def test_the_index_build_names_a_file_it_left_out(site):
    corpus, base = site
    atomic_write(corpus / "asked" / "broken.yaml", "document: x\nsections: [unclosed\n")
    env = {"KB_CORPUS": str(corpus), "KB_DATA": str(base / "data"), "KB_INDEX": str(base / "index")}
    result = CliRunner().invoke(main, ["index", "--jobs", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert "skipped expected questions" in result.stderr and "broken.yaml" in result.stderr
    assert "indexed 2 documents" in result.stdout


def test_check_reports_wordings_for_sections_the_corpus_does_not_hold(site):
    corpus, _ = site
    atomic_write(corpus / "asked" / f"{KEISHOKU}.yaml", seeds(KEISHOKU, {"art-2": ["職質"], "art-99": ["存在しない条"]}))
    atomic_write(corpus / "asked" / "law-not-in-corpus.yaml", seeds("law-not-in-corpus", {"art-1": ["収録されていない法令"]}))
    report = check_corpus(corpus, {})
    errors = sorted(f"{f.path.rsplit('/', 1)[-1]}: {f.message}" for f in report.errors)
    assert errors == [f"{KEISHOKU}.yaml: link to missing section {KEISHOKU}#art-99",
                      "law-not-in-corpus.yaml: link to unknown document 'law-not-in-corpus'"]


def test_the_repository_seeds_are_marked_fictional():
    files = sorted((REPO_CORPUS / "asked").glob("*.yaml"))
    assert files
    for path in files:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["fictional"] is True, path
