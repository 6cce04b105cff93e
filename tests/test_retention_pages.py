"""The admin's retention pages: policy, holds, erasure, export and purge through the UI, with
CSRF and typed confirmations; a refusal keeps what the admin typed."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, LegalHold
from hiring.services import retention
from tests import retention_world as world
from tests.access import client_for
from tests.conftest import csrf_from

AFTER = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def history(app, people, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    app.config["FIXED_NOW"] = AFTER
    return world.build(people["admin"])


@pytest.fixture
def admin(app, history):
    client, _ = client_for(app, "admin")
    return client


def post(client, page: str, url: str, **data):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def held(action: str, reason: str) -> dict:
    return {"hold-action": action, "hold-reason": reason}


def erasing(reason: str, legal_basis: str, confirm: str) -> dict:
    return {"erase-reason": reason, "erase-legal_basis": legal_basis, "erase-confirm": confirm}


def test_retention_page_shows_the_policy_and_changes_it(admin):
    page = admin.get("/admin/retention").get_data(as_text=True)
    assert "365 days" in page and "Due for erasure now (6)" in page
    bad = post(admin, "/admin/retention", "/admin/retention", days="0")
    assert bad.status_code == 422 and 'value="0"' in bad.get_data(as_text=True)
    good = post(admin, "/admin/retention", "/admin/retention", days="3650")
    assert good.status_code == 302
    assert retention.policy().days == 3650
    assert "Due for erasure now (0)" in admin.get("/admin/retention").get_data(as_text=True)


def test_hold_and_lift_from_the_candidate_page(admin, history):
    target = history["target"]
    page = f"/admin/candidates/{target.id}/retention"
    url = f"/admin/candidates/{target.id}/hold"
    empty = post(admin, page, url, **held("place", ""))
    assert empty.status_code == 422
    placed = post(admin, page, url, **held("place", "EEOC charge 123"))
    assert placed.status_code == 302
    twice = post(admin, page, url, **held("place", "second <b>dispute</b>"))
    body = twice.get_data(as_text=True)
    assert twice.status_code == 422 and "already under legal hold" in body
    assert "second &lt;b&gt;dispute&lt;/b&gt;" in body  # kept, and escaped
    erase = post(admin, page, f"/admin/candidates/{target.id}/erase",
                 **erasing("asked", "", str(target.id)))
    assert erase.status_code == 422 and "legal hold" in erase.get_data(as_text=True)
    lifted = post(admin, page, url, **held("lift", "charge withdrawn"))
    assert lifted.status_code == 302
    hold = db.session.scalar(select(LegalHold))
    assert hold.lift_reason == "charge withdrawn" and not hold.active


def test_requisition_hold_covers_its_candidates(admin, history):
    req = history["requisition"]
    response = post(admin, f"/admin/requisitions/{req.id}/retention",
                    f"/admin/requisitions/{req.id}/hold", **held("place", "litigation"))
    assert response.status_code == 302
    page = admin.get(f"/admin/requisitions/{req.id}/retention").get_data(as_text=True)
    assert page.count("legal hold</span>") >= 6
    assert "Due for erasure now (0)" in admin.get("/admin/retention").get_data(as_text=True)


def test_erase_needs_the_typed_id_or_name_and_keeps_the_input(admin, history):
    target = history["target"]
    page = f"/admin/candidates/{target.id}/retention"
    url = f"/admin/candidates/{target.id}/erase"
    wrong = post(admin, page, url, **erasing("request by email", "", "someone"))
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Confirmation does not match" in body
    assert "request by email" in body
    assert db.session.get(Candidate, target.id).name == world.NAME
    no_csrf = admin.post(url, data=erasing("x", "", str(target.id)))
    assert no_csrf.status_code == 400
    done = post(admin, page, url, **erasing("request by email", "", world.NAME.upper()))
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, target.id).erased
    after = admin.get(page).get_data(as_text=True)
    assert "Erased candidate" in after and world.NAME not in after
    for url in (f"/candidates/{target.id}", f"/candidates/{target.id}/debrief",
                f"/requisitions/{target.requisition_id}"):
        shown = admin.get(url)
        assert shown.status_code == 200, url
        assert world.planted_in(shown.get_data(as_text=True)) == [], url


def test_export_downloads_a_zip_and_is_audited(admin, history):
    target = history["target"]
    response = post(admin, f"/admin/candidates/{target.id}/retention",
                    f"/admin/candidates/{target.id}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="candidate-{target.id}-export.zip"')
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        record = json.loads(archive.read(f"candidate-{target.id}.json"))
    assert record["candidate"]["name"] == world.NAME
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.event == "candidate_exported")).actor_email == "admin@example.com"


def test_purge_from_the_page_needs_the_count_typed(admin, history):
    wrong = post(admin, "/admin/retention", "/admin/retention/purge", confirm="5")
    assert wrong.status_code == 422 and "6 candidate(s) are due" in wrong.get_data(as_text=True)
    assert not any(c.erased for c in db.session.scalars(select(Candidate)))
    done = post(admin, "/admin/retention", "/admin/retention/purge", confirm="6")
    assert done.status_code == 302
    assert all(c.erased for c in db.session.scalars(select(Candidate)))


def test_only_admins_reach_retention_pages(app, history):
    hm, token = client_for(app, "hiring_manager")
    target = history["target"]
    assert hm.get(f"/admin/candidates/{target.id}/retention").status_code == 403
    assert hm.post(f"/admin/candidates/{target.id}/export",
                   data={"csrf_token": token}).status_code == 403
    assert hm.post("/admin/retention/purge", data={"csrf_token": token,
                                                   "confirm": "6"}).status_code == 403


@pytest.mark.parametrize("huge", [2**31, 2**63 - 1, 2**63, 2**64])
def test_huge_ids_are_404_and_refused_in_the_cli(app, admin, huge):
    if huge < 2**63:  # SQLite cannot even bind larger ones: the app's URL converter must
        assert admin.get(f"/admin/candidates/{huge}/retention").status_code == 404
        assert admin.get(f"/admin/requisitions/{huge}/retention").status_code == 404
    db.session.commit()
    for args in (["candidates", "hold", str(huge), "--reason", "x"],
                 ["candidates", "erase", str(huge), "--reason", "x", "--yes"],
                 ["candidates", "export", str(huge), "--out", "/tmp/never.zip"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1 and "no candidate" in result.output, args


def test_hostile_reason_text_is_kept_escaped_or_refused(admin, history):
    target = history["target"]
    page = f"/admin/candidates/{target.id}/retention"
    url = f"/admin/candidates/{target.id}/hold"
    nul = post(admin, page, url, **held("place", "bad\x00reason"))
    assert nul.status_code == 422 and "NUL" in nul.get_data(as_text=True)
    long = post(admin, page, url, **held("place", "w" * 20000))
    assert long.status_code == 422
    word = "x" * 1999
    ok = post(admin, page, url, **held("place", word))
    assert ok.status_code == 302
    assert db.session.scalar(select(LegalHold)).reason == word
