"""The desk's review on a tablet in real Chromium: chips per masked item, a phrase added by typing,
the title the desk writes, and the two things that hold publishing back — personal data the publish
gate still finds (an unmasked phone number), and a 「要確認」 span nobody has decided. An override
with a written reason publishes and leaves an audit row."""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from conftest import TABLET
from desk_site import OKAYAMA, desk_app, desk_site

pytestmark = pytest.mark.browser

FAQ_TITLE = "自転車盗難の届出を受けたときの初動措置"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return desk_app(desk_site(tmp_path_factory.mktemp("desk-review-gate"), with_samples=False))


def answered(app, question: str, answer: str) -> int:
    """An answered inquiry recorded through the desk's store (the anonymiser runs as for the web form)."""
    from kb.desk import InquiryForm
    from kb.inquiries import Basis
    return app.extensions["kb.desk"].record(InquiryForm(
        question=question, received_at=dt.datetime(2026, 11, 20, 0, 0), channel="電話",
        asking_unit="岡山東警察署地域課", category="地域", answer=answer,
        basis=[Basis(OKAYAMA, "art-3", "岡山県警察地域警察運営規程 第3条")]), "setup").id


def published_files(app) -> set:
    from pathlib import Path
    return set((Path(app.config["CORPUS"]) / "inquiries").rglob("*.md"))


def audit_rows(app, action: str) -> list:
    from kb.db import AuditEvent
    app.extensions["kb.audit"].flush()
    with app.extensions["kb.db"].session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def publish(page):
    page.check("input[name=confirmed]")
    with page.expect_navigation():
        page.click(".actions button[value=publish]")


def test_review_on_a_tablet_chips_add_phrase_and_title(open_as, app, artifacts_dir):
    inquiry_id = answered(app, "交番で、山田太郎さん（45歳、電話090-1234-5678）が自転車の盗難を届け出ました。"
                               "勤務先はみどり精機です。初動的な措置はどこまで執ればよいですか。",
                          "被害届を受理し、山田さんに被害届の書き方を説明してください。")
    desk = open_as("desk", "gate-desk-1", viewport=TABLET)
    desk.goto(f"/desk/{inquiry_id}/review")
    chips = desk.locator(".pii-chips[data-part=question] .chip")
    assert chips.count() >= 3
    for i in range(chips.count()):               # large enough to hit with a finger
        box = chips.nth(i).bounding_box()
        assert box["height"] >= 44, (chips.nth(i).inner_text(), box)
    assert desk.locator("input.pii-toggle").first.bounding_box()["width"] <= 1     # no 15×15 checkboxes
    assert desk.is_visible("#add_text") and desk.get_attribute("#title", "required") is not None
    assert desk.input_value("#title") == ""                                   # no automatic first sentence
    assert "要確認の語句はありません" in desk.inner_text("#undecided")

    # a missed phrase is typed, not selected
    desk.fill("#add_text", "みどり精機")
    desk.select_option("#add_type", "org_identifying")
    with desk.expect_navigation():
        desk.click(".add-row button[value=apply]")
    assert "勤務先は〔勤務先等〕です" in desk.inner_text("#masked-question")
    assert desk.locator(".pii-chips[data-part=question] .chip", has_text="みどり精機").count() == 1
    desk.screenshot(path=str(artifacts_dir / "desk-review-chips-768x1024.png"), full_page=False)

    # publishing without a title is refused with an example of one
    before = published_files(app)
    desk.check("input[name=confirmed]")
    desk.click(".actions button[value=publish]")
    assert desk.evaluate("document.querySelector('#title').validity.valueMissing")     # the browser holds it
    desk.evaluate("document.querySelector('#title').removeAttribute('required')")
    with desk.expect_navigation():
        desk.click(".actions button[value=publish]")
    assert "題名を入力してください" in desk.inner_text(".flash-error") and published_files(app) == before

    desk.fill("#title", FAQ_TITLE)
    publish(desk)
    assert "公開しました" in desk.inner_text(".flash")
    text = "".join(p.read_text(encoding="utf-8") for p in published_files(app) - before)
    assert f"title: {FAQ_TITLE}" in text and "みどり精機" not in text and "山田" not in text


def test_an_unmasked_phone_number_blocks_publishing_and_an_override_is_audited(open_as, app, artifacts_dir):
    inquiry_id = answered(app, "佐藤花子さん（電話086-231-4455）から、自転車の盗難届について照会がありました。",
                          "被害届を受理してください。")
    desk = open_as("desk", "gate-desk-2", viewport=TABLET)
    desk.goto(f"/desk/{inquiry_id}/review")
    phone = desk.locator(".pii-chips[data-part=question] .chip", has_text="086-231-4455")
    phone.click()                                     # the desk keeps the number visible...
    assert "is-unmasked" in phone.get_attribute("class")
    with desk.expect_navigation():
        desk.click(".apply-row button[value=apply]")
    assert "086-231-4455" in desk.inner_text("#masked-question")
    desk.fill("#title", "盗難届の受理についての照会")
    before = published_files(app)
    publish(desk)                                     # ...and the gate refuses to publish it
    alert = desk.inner_text("#gate-block")
    assert "電話番号" in alert and "086-231-4455" in alert
    assert "公開できません" in desk.inner_text(".flash-error") and published_files(app) == before
    assert desk.is_visible("#override_reason")
    desk.screenshot(path=str(artifacts_dir / "desk-review-gate-768x1024.png"), full_page=False)

    # a too-short reason is not an override
    desk.fill("#override_reason", "必要")
    publish(desk)
    assert published_files(app) == before and desk.is_visible("#gate-block")
    assert audit_rows(app, "inquiry_publish_override") == []

    reason = "署の代表番号であり、個人の番号ではないため伏せない"
    desk.fill("#override_reason", reason)
    publish(desk)
    assert "公開しました" in desk.inner_text(".flash") and len(published_files(app) - before) == 1
    rows = [r for r in audit_rows(app, "inquiry_publish_override") if r.target == f"inquiry:{inquiry_id}"]
    assert len(rows) == 1 and rows[0].username == "gate-desk-2"
    detail = json.loads(rows[0].detail)
    assert detail["reason"] == reason and detail["found"] == ["phone"]
    assert "086-231-4455" not in rows[0].detail       # the log names the type, it does not copy the data


def test_an_undecided_review_span_blocks_publishing(open_as, app, artifacts_dir):
    inquiry_id = answered(app, "拾得された財布のカードにKOWALSKIと印字されていました。落とし物の扱いは？",
                          "遺失物法に基づき取り扱ってください。")
    desk = open_as("desk", "gate-desk-3", viewport=TABLET)
    desk.goto(f"/desk/{inquiry_id}/review")
    counter = desk.locator("#undecided")
    assert "あと1件" in counter.inner_text() and counter.get_attribute("data-count") == "1"
    chip = desk.locator(".pii-chips[data-part=question] .chip-review", has_text="KOWALSKI")
    assert "要確認" in chip.inner_text()
    for choice in ("伏せる", "そのまま"):           # each choice is a finger-sized target
        assert chip.locator("label", has_text=choice).bounding_box()["height"] >= 44
    desk.screenshot(path=str(artifacts_dir / "desk-review-undecided-768x1024.png"), full_page=False)
    desk.fill("#title", "外国人名が記載された拾得物の取扱い")
    before = published_files(app)
    publish(desk)
    assert "要確認" in desk.inner_text(".flash-error") and published_files(app) == before

    chip.locator("label", has_text="伏せる").click()
    assert counter.get_attribute("data-count") == "0"          # the count follows the choice at once
    with desk.expect_navigation():
        desk.click(".apply-row button[value=apply]")
    assert "KOWALSKI" not in desk.inner_text("#masked-question")
    assert "要確認の語句はありません" in desk.inner_text("#undecided")
    desk.fill("#title", "外国人名が記載された拾得物の取扱い")
    publish(desk)
    assert "公開しました" in desk.inner_text(".flash")
    assert "KOWALSKI" not in "".join(p.read_text(encoding="utf-8") for p in published_files(app) - before)
