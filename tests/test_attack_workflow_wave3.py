"""Wave-3 attacks on sessions, throttling, authorization and the workflow rules (from a
helper who read the code). Each test below failed on the code it was written against; the
docstring gives the steps, what happened and what should happen."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from hiring.extensions import db
from hiring.models import AuditEvent, Candidate, Decision, Interview
from tests.access import client_for
from tests.conftest import csrf_from


def _interview_data(interview, **changes) -> dict:
    """The edit form of `interview` as the page would post it, with `changes`."""
    when = interview.scheduled_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    data = {"interviewer_id": interview.interviewer_id, "kind": interview.kind,
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": interview.duration_minutes or 60,
            "focus": [d.id for d in interview.focus],
            "case_study_id": interview.case_study_id or 0, "title": interview.title or "",
            "location": interview.location or ""}
    data.update(changes)
    return data


def _errors(response) -> list[str]:
    return re.findall(r'class="error"[^>]*>(.*?)<', response.get_data(as_text=True))


def _flashes(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*"[^>]*>(.*?)</', response.get_data(
        as_text=True), re.S))


# ---------------------------------------------------------------- interviews after feedback


def test_an_interview_with_a_submitted_scorecard_cannot_be_moved_after_it(app, people, loop):
    """Steps: peer@ has submitted the scorecard of their interview (20 Nov). The admin opens
    Edit interview and moves it to 20 Dec 2026, three weeks after the clock's "now".
    What happens: saved (302); the loop now holds a scorecard submitted weeks before its
    interview starts, which the scorecard service itself refuses to create
    (ScorecardTooEarly: "submit once it has started"); the debrief, the kit ("started")
    and the reminders read the new date.
    What should happen: refused with a message on the date field, the date unchanged
    (update_interview checks the interviewer is fixed once a scorecard exists, but not the
    time)."""
    admin, token = client_for(app, "admin")
    peer = loop["peer_interview"]
    before = peer.scheduled_at
    response = admin.post(f"/interviews/{peer.id}/edit", data=dict(
        _interview_data(peer, scheduled_at="2026-12-20T15:00"), csrf_token=token))
    db.session.expire_all()
    moved = db.session.get(Interview, peer.id)
    assert response.status_code != 302, "a submitted interview was moved after its scorecard"
    assert moved.scheduled_at == before


def test_a_submitted_interviews_focus_is_fixed(app, people, loop):
    """Steps: peer@ submitted ratings for the focus dimensions of their interview
    (dimensions 5 and 6). The admin edits that interview and sets its focus to dimension 1
    only.
    What happens: saved (302): the interview now claims to cover dimension 1, which its
    submitted scorecard never rated, and no longer claims the two it did rate, so the
    coverage view and the plan reviewer read a loop that did not happen. The planner
    ("Suggest plan", services.loop_changes.plan_loop) keeps the focus of every interview
    with submitted feedback for this reason; the edit form does not.
    What should happen: refused (focus and case study are fixed once the scorecard is
    submitted), the focus unchanged."""
    admin, token = client_for(app, "admin")
    peer = loop["peer_interview"]
    before = sorted(d.id for d in peer.focus)
    first = loop["template"].dimensions[0].id
    response = admin.post(f"/interviews/{peer.id}/edit", data=dict(
        _interview_data(peer, focus=[first]), csrf_token=token))
    db.session.expire_all()
    after = sorted(d.id for d in db.session.get(Interview, peer.id).focus)
    assert response.status_code != 302, "a submitted interview's focus was changed"
    assert after == before


def test_a_deactivated_interviewers_draft_does_not_lock_their_interview(app, people, loop):
    """Steps: iv@ saves a draft on their interview, then leaves and is deactivated. The
    admin tries, on the interview's edit page, to move it by a day, to give it to iv2@, and
    then to remove it.
    What happens: all three refused: "Not a valid choice" (iv@ is no longer in the
    interviewer list, so no edit at all can be saved), "This interviewer has started a
    scorecard; the interviewer cannot change", and "This interview has a scorecard and
    cannot be removed". The interview stays on the loop for ever, assigned to someone who
    cannot log in, and the candidate's loop never completes.
    What should happen: a draft whose author is deactivated does not pin the interview:
    the admin can reassign it (or remove it); the draft stays its author's, unseen."""
    from hiring.services.scorecards import ScorecardInput, get_or_create, save

    interview = loop["interview"]
    interview_id = interview.id  # read after the removal, the expired object would raise
    card = get_or_create(interview, people["interviewer"])
    save(card, ScorecardInput(ratings={}, overall=None), card.lock_version, submit=False)
    people["interviewer"].active = False
    db.session.commit()
    admin, token = client_for(app, "admin")
    admin.post(f"/interviews/{interview.id}/edit", data=dict(
        _interview_data(interview, interviewer_id=people["interviewer2"].id),
        csrf_token=token))
    admin.post(f"/interviews/{interview.id}/delete", data={"csrf_token": token})
    db.session.expire_all()
    left = db.session.get(Interview, interview_id)
    assert left is None or left.interviewer_id == people["interviewer2"].id, (
        "the deactivated interviewer's interview can be neither reassigned nor removed")


def test_remind_now_for_a_deactivated_interviewer_does_not_say_it_was_sent(app, people, loop):
    """Steps: iv@ (interview on 20 Nov, no scorecard, a week late) is deactivated. The
    hiring manager's dashboard still lists the late interview with "Remind now"; they
    press it.
    What happens: "A reminder was just sent." and a `reminder_requested` audit row, though
    nothing is sent (notifications skip inactive recipients).
    What should happen: the page says the interviewer is deactivated (reassign the
    interview) and claims no reminder."""
    people["interviewer"].active = False
    db.session.commit()
    hm, token = client_for(app, "hiring_manager")
    response = hm.post(f"/interviews/{loop['interview'].id}/remind",
                       data={"csrf_token": token}, follow_redirects=True)
    assert "A reminder was just sent." not in _flashes(response)
    assert "reminder sent" not in _flashes(response).lower()


def test_a_blind_admin_cannot_unblind_by_handing_their_interview_away_and_back(
        app, people, loop):
    """Steps: admin@ is on Casey Candidate's loop (an interview of their own, nothing
    submitted), so the debrief answers 403 ("appears after you submit your own
    scorecard"). On Edit interview they give their interview to iv2@: they no longer
    interview Casey, and the debrief opens with peer@'s ratings and the composite. They
    edit the interview again and give it back to themselves, then rate with peer@'s
    scores in front of them.
    What happens: both edits are saved (no scorecard exists yet, so the interviewer may
    change): admin@ read the panel's feedback and holds an interview on the candidate
    with their own scorecard still to write: the independence rule ("nobody sees anyone
    else's feedback on a candidate before submitting their own") is escaped by two form
    posts, and nothing in the audit log but two interview_changed rows shows it.
    What should happen: one of the steps is refused: a blind user cannot hand away their
    own pending interview, or an interview is not (re)assigned to someone who may already
    see the candidate's submitted feedback."""
    admin_user = people["admin"]
    mine = Interview(candidate=loop["candidate"], interviewer=admin_user, kind="other",
                     scheduled_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    db.session.add(mine)
    db.session.commit()
    admin, token = client_for(app, "admin")
    debrief = f"/candidates/{loop['candidate'].id}/debrief"
    assert admin.get(debrief).status_code == 403  # blind, as designed
    admin.post(f"/interviews/{mine.id}/edit", data=dict(
        _interview_data(mine, interviewer_id=people["interviewer2"].id), csrf_token=token))
    saw_feedback = admin.get(debrief).status_code == 200
    db.session.expire_all()
    mine = db.session.get(Interview, mine.id)
    admin.post(f"/interviews/{mine.id}/edit", data=dict(
        _interview_data(mine, interviewer_id=admin_user.id), csrf_token=token))
    db.session.expire_all()
    back = db.session.get(Interview, mine.id).interviewer_id == admin_user.id
    assert not (saw_feedback and back), (
        "the admin read the feedback and got their interview back, scorecard unwritten")


# ---------------------------------------------------------------- erased candidates


def _erase(candidate, admin) -> None:
    from hiring.services import erasure

    erasure.erase(candidate.id, reason="asked", confirm=str(candidate.id), actor=admin,
                  legal_basis="GDPR Art. 17(1)(b), consent withdrawn")


def test_an_erased_candidate_takes_no_new_personal_data_from_the_edit_form(
        app, people, loop):
    """Steps: the admin erases Other Candidate on request (name becomes "Erased candidate
    <opaque id>", email and notes emptied). Then opens /candidates/<id>/edit and saves a
    name, an email, notes and a materials link.
    What happens: saved (302): the erased record carries a real name, email and notes
    again, outside any retention clock, though docs/retention.md and
    test_erased_candidate_takes_no_new_feedback_or_decision say no new personal data
    attaches to the opaque record (scorecards and decisions are refused; this form is
    not).
    What should happen: refused (like scorecards and decisions), the record unchanged."""
    candidate = loop["other_candidate"]
    _erase(candidate, people["admin"])
    db.session.expire_all()
    erased_name = db.session.get(Candidate, candidate.id).name
    admin, token = client_for(app, "admin")
    admin.post(f"/candidates/{candidate.id}/edit", data={
        "csrf_token": token, "name": "Jordan Realname", "email": "jordan@example.com",
        "stage": "applied", "notes": "phone 555-0100",
        "materials_url": "https://example.com/cv.pdf"})
    db.session.expire_all()
    after = db.session.get(Candidate, candidate.id)
    assert (after.name, after.email, after.notes, after.materials_url) == (
        erased_name, "", "", ""), "personal data was written onto an erased candidate"


def test_an_erased_candidate_gets_no_new_interviews(app, people, loop):
    """Steps: the admin erases Other Candidate, then adds an interview for iv@ on the
    erased candidate (Add interview; the loop template's Apply is the same path).
    What happens: created (302), iv@ is emailed an assignment for an interview whose
    scorecard the policy will refuse ("erased"), and free text (title, location) attaches
    to the erased record.
    What should happen: refused, no interview created."""
    candidate = loop["other_candidate"]
    _erase(candidate, people["admin"])
    admin, token = client_for(app, "admin")
    before = db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.candidate_id == candidate.id))
    admin.post(f"/candidates/{candidate.id}/interviews/new", data=dict(
        _interview_data(loop["other_interview"], interviewer_id=people["interviewer"].id,
                        scheduled_at="2026-12-01T15:00", title="Follow-up with Jordan"),
        csrf_token=token))
    after = db.session.scalar(select(func.count()).select_from(Interview).where(
        Interview.candidate_id == candidate.id))
    assert after == before, "an interview was added to an erased candidate"


def test_an_erased_candidate_is_no_longer_work_on_the_dashboards(app, people, loop):
    """Steps: two candidates are erased on request: Other Candidate (hm2@'s requisition,
    every scorecard in) and Casey Candidate (hm@'s; iv@'s interview on 20 Nov has no
    scorecard). hm2@ and hm@ open their dashboards; hm@ presses "Remind now" on iv@'s
    interview.
    What happens: hm2@'s "Ready for a decision" lists "Erased candidate <opaque id>" with a
    Debrief button, though a decision on it is refused ("erased"); hm@'s late feedback
    lists iv@'s interview with "Remind now", and pressing it records
    `reminder_requested` and would email iv@ to submit a scorecard the app refuses ("no
    feedback can be added"). iv@'s "My interviews" lists it as owed too.
    What should happen: an erased candidate takes no feedback or decision, so it is
    listed as neither ready nor late, and the reminder is refused without an audit row or
    an email."""
    from tests.conftest import login

    _erase(loop["other_candidate"], people["admin"])
    _erase(loop["candidate"], people["admin"])
    hm2 = app.test_client()
    login(hm2, "hm2@example.com")
    ready = hm2.get("/dashboard").get_data(as_text=True)
    hm, token = client_for(app, "hiring_manager")
    remind = f"/interviews/{loop['interview'].id}/remind"
    late = hm.get("/dashboard").get_data(as_text=True)
    hm.post(remind, data={"csrf_token": token})
    reminded = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event == "reminder_requested"))
    assert "Erased candidate" not in ready, "an erased candidate is ready for a decision"
    assert remind not in late, "an erased candidate's interview is chased as late"
    assert reminded == 0


# ---------------------------------------------------------------- decisions


def test_a_hire_needs_some_submitted_feedback(app, people, loop):
    """Steps: the admin adds a candidate to hm@'s requisition and schedules nothing. hm@
    opens the candidate's debrief (no scorecard, no composite) and records Hire with the
    rationale "gut".
    What happens: recorded (302) and the candidate moves to Offer: a hire with no
    structured feedback at all, the exact thing the app exists to prevent; the
    dashboard's "recent decisions" and the packet show it like any other.
    What should happen: a Hire is refused until at least one scorecard is submitted
    (No hire / Hold for a candidate screened out early may stay allowed); the stage stays.
    (A policy question for the lead: the services enforce no rule at all here.)"""
    fresh = Candidate(requisition=loop["requisition"], name="No Feedback Yet")
    db.session.add(fresh)
    db.session.commit()
    hm, token = client_for(app, "hiring_manager")
    hm.post(f"/candidates/{fresh.id}/decision",
            data={"csrf_token": token, "decision": "hire", "rationale": "gut"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Decision).where(
        Decision.candidate_id == fresh.id)) == 0, "a Hire was recorded with no feedback"
    assert db.session.get(Candidate, fresh.id).stage != "offer"


# ---------------------------------------------------------------- login throttling


def test_parallel_guesses_do_not_exceed_the_per_account_limit(app, people, monkeypatch):
    """Steps: one client (one address) sends wrong passwords for hm@ over 5 connections at
    once, with the limit per account and address at 2 per 15 minutes (set on the app's
    throttle; the default is 5, and the test's database pool serves 5 requests at a time).
    Each request runs throttle.check, then the password hash (scrypt in production: tens
    of ms), then throttle.failed. The test holds each request inside the password check
    until all have arrived or 3 s pass, as a slow hash does.
    What happens: all 5 pass check() before any failed() is counted: 5 guesses tried
    where 2 are allowed. N parallel connections get N guesses per window, past the
    per-account-and-address limit and, the same way, the per-address limit.
    What should happen: an attempt takes its slot before the password is checked (an
    atomic increment-then-compare), so at most 2 guesses reach the password check and the
    others get the 429. (Fails on PostgreSQL; on SQLite a POST's write lock happens to
    serialize the requests of one database, so it passes there. With REDIS_URL and several
    workers the window is the same whatever the database.)"""
    import hiring.auth.views as auth_views
    from hiring.auth.throttle import parse_limits

    real = auth_views.check_password
    arrived, lock, release = [0], threading.Lock(), threading.Event()

    def slow_check(password_hash, password):
        with lock:
            arrived[0] += 1
        release.wait(3)
        return real(password_hash, password)

    monkeypatch.setattr(auth_views, "check_password", slow_check)
    monkeypatch.setattr(app.extensions["login_throttle"], "per_pair",
                        parse_limits("2 per 15 minutes"))
    clients = []
    for _ in range(5):
        client = app.test_client()
        page = client.get("/auth/login", environ_base={"REMOTE_ADDR": "10.9.9.9"})
        clients.append((client, csrf_from(page.get_data(as_text=True))))
    statuses, errors = [], []

    def guess(client, token):
        try:
            response = client.post("/auth/login", environ_base={"REMOTE_ADDR": "10.9.9.9"},
                                    data={"email": "hm@example.com", "password": "wrong guess",
                                          "csrf_token": token})
            statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=pair, daemon=True) for pair in clients]
    for thread in threads:
        thread.start()
    stop = time.monotonic() + 3
    while arrived[0] < 5 and time.monotonic() < stop:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert arrived[0] <= 2, (f"{arrived[0]} parallel guesses reached the password check "
                             f"(limit 2); statuses {sorted(statuses)}")
    assert sorted(statuses).count(429) >= 3


def test_the_password_change_form_is_not_an_unthrottled_password_oracle(app, people):
    """Steps: someone holding iv@'s open session (an unlocked laptop, a stolen cookie)
    posts the password-change form 12 times with guesses in "Current password" from one
    address. At the login form the same client would be refused (429) after 5 wrong
    guesses at the account per 15 minutes.
    What happens: 12 answers of "That is not your current password.", none refused, and
    none counted by the login throttle: the form is an unlimited oracle for the current
    password, which is what it asks for to stop a session holder from taking the account
    over (the right guess lets them set a new password and end the owner's sessions).
    What should happen: wrong current passwords count like failed sign-ins for the
    account and address, and past the limit the form answers 429 without checking."""
    from tests.conftest import login

    client = app.test_client()
    environ = {"REMOTE_ADDR": "10.7.7.7"}
    page = client.get("/auth/login", environ_base=environ)
    client.post("/auth/login", environ_base=environ, data={
        "email": "iv@example.com", "password": "correct horse battery staple",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    token = csrf_from(client.get("/auth/password", environ_base=environ).get_data(
        as_text=True))
    codes = []
    for n in range(12):
        response = client.post("/auth/password", environ_base=environ, data={
            "csrf_token": token, "current_password": f"guess number {n} of many",
            "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
        codes.append(response.status_code)
    assert 429 in codes, f"12 current-password guesses, none refused: {codes}"
    assert login(app.test_client(), "iv@example.com").status_code == 302


# ---------------------------------------------------------------- what holds (one test)


def test_holds_one_time_password_blocks_every_route_and_demotion_is_immediate(
        app, people, loop):
    """Passes (kept as a guard): after an admin reset, a login with the one-time password
    reaches only the change-password page: the kit, the .ics download, the JSON autosave
    and a preferences POST all redirect there and change nothing. An admin demoted to
    interviewer mid-session loses admin pages on the next request, and a deactivated
    hiring manager's open session is refused at once."""
    from hiring.services.passwords import reset_password
    from tests.conftest import login

    interview = loop["interview"]
    password = reset_password(people["admin"], people["interviewer"])
    iv = app.test_client()
    assert login(iv, "iv@example.com", password).headers["Location"] == "/auth/password"
    token = csrf_from(iv.get("/auth/password").get_data(as_text=True))
    for response in (iv.get(f"/interviews/{interview.id}/kit"),
                     iv.get(f"/interviews/{interview.id}/calendar.ics"),
                     iv.post(f"/interviews/{interview.id}/scorecard/autosave",
                             data={"csrf_token": token}, headers={"X-CSRFToken": token}),
                     iv.post("/account/preferences",
                             data={"csrf_token": token, "timezone": "Europe/Paris"})):
        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/password"
    db.session.expire_all()
    assert people["interviewer"].timezone != "Europe/Paris"

    peer_admin = people["interviewer2"]
    peer_admin.role = "admin"
    db.session.commit()
    admin2, _ = client_for(app, "deactivated")  # iv2@, logged in, then deactivated
    assert admin2.get("/admin/users").status_code == 302
    admin, _ = client_for(app, "admin")
    assert admin.get("/admin/users").status_code == 200
    people["admin"].role = "interviewer"
    db.session.commit()
    assert admin.get("/admin/users").status_code == 403
    people["admin"].role = "admin"
    db.session.commit()
