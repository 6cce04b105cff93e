"""Attacks on independence (wave 3): surfaces where a person who interviews a candidate and
has not submitted their own scorecard ("blind") might still learn others' feedback on that
candidate: forms that echo the stage a decision set, refusal messages and a "due for
erasure" list that follow the decision's retention clock, exports whose packet applies
rater effects fitted over candidates the exporting admin is blind to; and emails (hold).

A failing test here is a leak on the current code; its docstring says what leaks and how.
The last test passes: a surface checked that holds."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Candidate, Interview, Requisition
from hiring.services.decisions import record_decision
from tests.conftest import csrf_for, login
from tests.test_calibration_page import panel_history
from tests.test_email import mail_app, run_cli, smtp  # noqa: F401 - fixtures

EVIDENCE = "Gave a specific, detailed example with the measured outcome and lessons."


def _login(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _blind_admin_on(candidate, admin, when=None) -> Interview:
    interview = Interview(candidate=candidate, interviewer=admin, kind="cross_functional",
                          scheduled_at=when or datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    db.session.add(interview)
    db.session.commit()
    return interview


def _selected_stage(html: str) -> str | None:
    """The stage the form pre-selects; None when it shows no stage field or none chosen."""
    select_html = re.search(r'<select[^>]*name="stage"[^>]*>(.*?)</select>', html, re.S)
    if select_html is None:
        return None
    chosen = re.search(r'<option[^>]*\bselected\b[^>]*value="([^"]+)"|'
                       r'<option[^>]*value="([^"]+)"[^>]*\bselected\b', select_html.group(1))
    return next((g for g in chosen.groups() if g), None) if chosen else None


# ------------------------------------------------------------ edit candidate form


def test_edit_candidate_form_does_not_preselect_the_stage_a_decision_set(app, people, loop):
    """LEAK: /candidates/<id>/edit (admins) pre-selects the candidate's stage in its
    <select name="stage">. A decision moves the stage (No hire -> Rejected, Hire -> Offer),
    which is why the candidate page and the requisition list print "stage hidden until you
    submit" to a blind viewer. An admin who interviews the candidate and has not submitted
    opens the edit form and reads `<option selected value="rejected">`: the decision.
    Steps: hm@ records No hire; admin@ (on the loop, nothing submitted) GETs the edit form."""
    candidate = loop["candidate"]
    _blind_admin_on(candidate, people["admin"])
    record_decision(candidate, "no_hire", "Not a fit for this team.", loop["hm2"])
    assert db.session.get(Candidate, candidate.id).stage == "rejected"
    admin = _login(app, people["admin"])
    page = admin.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "stage hidden until you submit" in page  # the candidate page does blind it
    form = admin.get(f"/candidates/{candidate.id}/edit")
    assert form.status_code == 200
    assert _selected_stage(form.get_data(as_text=True)) != "rejected", (
        "the edit form shows a blind admin the stage the No hire decision set")


# ------------------------------------------------------------ subject-access export


def _calibration_lines(text: str) -> dict[str, str]:
    """interviewer -> "(tendency; N compared ratings)" as printed in a debrief or packet."""
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))
    return {name: count for name, count in
            re.findall(r"(Lenny|Sevi|Nia): [+-]\d\.\d\d ± \d\.\d\d rating points "
                       r"\([a-z ]+; (\d+) compared ratings\)", flat)}


def test_export_packet_applies_no_rater_effects_from_a_candidate_the_admin_is_blind_to(
        app, people, tmp_path):
    """LEAK: the subject-access export (POST /admin/candidates/<id>/export) puts the debrief
    packet in the ZIP, built by build_debrief(candidate) with no viewer: the interviewer
    calibration is fitted over every candidate, including one the exporting admin
    interviews and has not submitted on. The debrief page and packets.download leave such
    candidates out for that viewer ("Effects fitted now from the ratings you may see");
    the export does not, so its packet's effects and compared-rating counts carry the
    blind candidate's ratings (here Sevi's and Nia's 1s on candidate 2).
    Steps: admin@ is added to candidate 2's loop (nothing submitted); exports candidate 0
    (whose feedback they may see); reads the packet's "Interviewer calibration"."""
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    _, candidates = panel_history(people)
    _blind_admin_on(candidates[2], people["admin"])
    admin = _login(app, people["admin"])
    assert admin.get(f"/candidates/{candidates[2].id}/debrief").status_code == 403
    page = admin.get(f"/candidates/{candidates[0].id}/debrief").get_data(as_text=True)
    seen = _calibration_lines(page)
    assert seen and seen["Sevi"] == "10"  # candidate 1 only: candidate 2 is left out
    response = admin.post(f"/admin/candidates/{candidates[0].id}/export",
                          data={"csrf_token": csrf_for(admin)})
    if response.status_code != 200:  # refusing the export while blind anywhere also holds
        assert response.mimetype != "application/zip"
        return
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    packet = f"debrief-candidate-{candidates[0].id}.pdf"
    if packet not in archive.namelist():  # an export without the packet also holds
        return
    pdf = archive.read(packet)
    exported = _calibration_lines(_pdf_text(pdf))
    assert exported, "the packet shows no interviewer calibration"
    assert exported == seen, (
        f"the export's packet fits rater effects over the blind candidate: {exported} "
        f"where the admin's own debrief shows {seen}")


# ------------------------------------------------------------ retention: erase refusal


def _closed_requisition_with_two_blind_candidates(people):
    """A closed requisition of hm@; two candidates, each interviewed by iv@ (submitted) and
    admin@ (nothing submitted). hm@ records Hold on the first and No hire on the second,
    after the requisition closed."""
    from hiring.services.blueprints import store_blueprint
    from hiring.services.scorecards import ScorecardInput, get_or_create, save
    from tests.conftest import seed_blueprint

    template = store_blueprint(seed_blueprint()).template
    req = Requisition(title="Closed req", template=template,
                      hiring_manager=people["hiring_manager"])
    db.session.add(req)
    when = datetime(2026, 9, 20, tzinfo=UTC)
    candidates = []
    for name in ("Held Hana", "Refused Rui"):
        candidate = Candidate(requisition=req, name=name, stage="debrief")
        db.session.add(candidate)
        mine = Interview(candidate=candidate, interviewer=people["interviewer"],
                         kind="technical", scheduled_at=when, focus=template.dimensions[:1])
        db.session.add_all([mine, Interview(candidate=candidate, interviewer=people["admin"],
                                            kind="technical", scheduled_at=when)])
        db.session.commit()
        card = get_or_create(mine, people["interviewer"])
        save(card, ScorecardInput(ratings={template.dimensions[0].id: (3, EVIDENCE)},
                                  overall=3), card.lock_version, submit=True)
        candidates.append(candidate)
    req.status = "closed"
    db.session.commit()
    req.closed_at = datetime(2026, 10, 2, tzinfo=UTC)
    db.session.commit()
    record_decision(candidates[0], "hold", "Wait for the other loop.", people["hiring_manager"])
    record_decision(candidates[1], "no_hire", "Not now.", people["hiring_manager"])
    return req, candidates


def _erase_refusal(client, candidate) -> str:
    response = client.post(f"/admin/candidates/{candidate.id}/erase", data={
        "csrf_token": csrf_for(client), "erase-reason": "Request received by email.",
        "erase-legal_basis": "", "erase-confirm": str(candidate.id)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    found = re.search(r"within the retention period[^<]*", html)
    assert found, "no retention refusal on the page"
    return found.group(0)


def test_erase_refusal_does_not_tell_a_blind_admin_whether_the_decision_is_final(
        app, people):
    """LEAK: the candidate's retention page hides from an admin who still owes a scorecard
    "when their retention started (a decision starts it)". The erase form's refusal
    ("within the retention period until <date>; record the legal basis") does not: the
    date is the requisition's close + N days for a Hold (or no decision), but the final
    decision's date + N days for Hire / No hire. A blind admin posts an erasure without a
    legal basis to each candidate and reads which one has a final decision, and when.
    Steps: closed requisition; hm@ records Hold on one candidate, No hire on the other;
    admin@ (on both loops, nothing submitted) POSTs /admin/candidates/<id>/erase with a
    reason and the id typed, no legal basis; compares the two 422 messages."""
    _, (held, refused) = _closed_requisition_with_two_blind_candidates(people)
    admin = _login(app, people["admin"])
    for candidate in (held, refused):
        page = admin.get(f"/admin/candidates/{candidate.id}/retention").get_data(as_text=True)
        assert "You still owe your scorecard on this candidate" in page  # hidden there
    told = {c.name: _erase_refusal(admin, c) for c in (held, refused)}
    assert told["Held Hana"] == told["Refused Rui"], (
        f"the erase refusal differs with the decision a blind admin may not see: {told}")


def test_due_for_erasure_list_membership_does_not_tell_a_blind_admin_the_decision(
        app, people):
    """LEAK: /admin/retention's "Due for erasure now" list hides *why* a candidate is due
    from an admin who still owes a scorecard on them, but whether the candidate is listed
    at all follows the hidden decision: a Hold leaves the clock at the requisition's close,
    a final decision (Hire / No hire) restarts it from the decision's date. With a 30-day
    period, the Hold candidate is listed and the No hire one is not: the blind admin reads
    which candidate got a final decision (and, varying nothing, roughly when).
    Steps: closed requisition (closed 2026-10-02); Hold on one candidate, No hire on the
    other (2026-11-27); retention period 30 days; admin@ (on both loops, nothing submitted)
    GETs /admin/retention."""
    from hiring.services.retention import set_policy

    _, (held, refused) = _closed_requisition_with_two_blind_candidates(people)
    set_policy(30, people["admin"])
    admin = _login(app, people["admin"])
    html = admin.get("/admin/retention").get_data(as_text=True)
    due = html.split("Due for erasure now")[1].split("</section>")[0]
    listed = {c.name: f"Candidate {c.id}<" in due for c in (held, refused)}
    assert "Hidden: you still owe your scorecard" in due or not any(listed.values())
    assert listed["Held Hana"] == listed["Refused Rui"], (
        f"which blind candidate is due for erasure follows the decision: {listed}")


# ------------------------------------------------------------ emails (these hold)


def test_emails_to_blind_people_after_a_no_hire_name_no_decision_and_keep_reminding(
        mail_app, smtp, loop, people):  # noqa: F811 - the fixtures imported above
    """Holds: admin@ (not on the loop) records No hire through the page. The hiring manager,
    who interviews the candidate and has not submitted, gets a decision email that does not
    name it, while admin@ (who may see) gets one that does; and the cron sweep still sends
    the blind interviewers their overdue reminders, so a reminder that stops would not tell
    them the candidate was rejected."""
    inbox, _ = smtp
    admin = _login(mail_app, people["admin"])
    token = csrf_for(admin)
    response = admin.post(f"/candidates/{loop['candidate'].id}/decision", data={
        "csrf_token": token, "decision": "no_hire",
        "rationale": "Evidence on people leadership was thin across the panel."})
    assert response.status_code == 302
    decided = {r: m["body"] for m in inbox.messages
               if m["subject"].startswith("Decision recorded") for r in m["to"]}
    assert set(decided) == {"hm@example.com", "admin@example.com"}
    assert "No hire" in decided["admin@example.com"]
    assert "No hire" not in decided["hm@example.com"]
    assert "Rejected" not in decided["hm@example.com"]
    assert "You will see it once you have submitted" in decided["hm@example.com"]
    result = run_cli(mail_app, "reminders", "send")
    assert result.exit_code == 0, result.output
    for email in ("iv@example.com", "hm@example.com"):
        late = [m for m in inbox.to(email) if m["subject"].startswith("Scorecard overdue")]
        assert len(late) == 1 and "Casey Candidate" in late[0]["subject"]
        assert "No hire" not in late[0]["body"] and "reject" not in late[0]["body"].lower()
