"""Wave-3 output attacks: where typed text leaves the app (calendar files, emails, the PDF
packet's HTML, metadata and chart) in a form other than the one typed, or unsafely.

Each test names the input, where it goes wrong and what should happen instead."""

from __future__ import annotations

import base64
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET

from pypdf import PdfReader
from sqlalchemy import select

from hiring.core.text import ZWSP
from hiring.extensions import db
from hiring.models import Candidate, Interview, Requisition
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for
from tests.conftest import SEED, csrf_for
from tests.test_email import mail_app, run_cli, smtp  # noqa: F401 - fixtures

# RFC 5545 3.3.11: TEXT values are TSAFE-CHARs; CONTROL = %x00-08 / %x0A-1F / %x7F
ICS_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def _packet_html(app, candidate_id: int) -> str:
    from hiring.packets.build import packet_html
    from hiring.services.debrief import build_debrief, load_candidate

    with app.test_request_context():
        return packet_html(build_debrief(load_candidate(candidate_id)))


def _submit(interview, notes: str) -> None:
    card = get_or_create(interview, interview.interviewer)
    save(card, ScorecardInput(ratings={d.id: (3, notes) for d in interview.focus}, overall=3),
         card.lock_version, submit=True)


def test_ics_carries_no_control_characters_from_a_typed_location_or_title(app, loop):
    """Input: an interview location 'Room 4<VT>X-INJECTED:1<FF><FS>B' and title
    'System<ESC>design<DEL>', saved through the interview edit form (InterviewForm.location
    and .title refuse only NUL). Where: hiring/core/ics.py `_escape` turns CR/LF into '\\n'
    but passes every other C0 control and DEL into LOCATION/SUMMARY/DESCRIPTION. RFC 5545
    (3.3.11 TEXT = TSAFE-CHAR, which excludes CONTROL) makes such a file invalid; parsers
    that split on universal newlines (VT, FF, FS, GS, RS) see a new content line
    'X-INJECTED:1' inside the VEVENT. Should: the .ics holds no control character other
    than the CRLF line ends (drop them, or replace them with a space)."""
    interview = db.session.get(Interview, loop["interview"].id)
    admin, _ = client_for(app, "admin")
    saved = admin.post(f"/interviews/{interview.id}/edit", data={
        "csrf_token": csrf_for(admin), "interviewer_id": interview.interviewer_id,
        "kind": interview.kind, "title": "System\x1bdesign\x7f",
        "scheduled_at": "2099-12-01T10:00", "duration_minutes": 60,
        "location": "Room 4\x0bX-INJECTED:1\x0c\x1cB",
        "focus": [d.id for d in interview.focus], "case_study_id": 0})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-600:]
    db.session.expire_all()
    assert "\x0b" in db.session.get(Interview, interview.id).location  # stored as typed
    client, _ = client_for(app, "interviewer")
    response = client.get(f"/interviews/{interview.id}/calendar.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.endswith("\r\n")
    lines = body[:-2].split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)  # folding holds
    bad = [(line, ICS_CONTROL.findall(line)) for line in lines if ICS_CONTROL.search(line)]
    assert bad == [], bad
    assert "X-INJECTED:1" not in body.splitlines()  # no new content line for any reader


def test_email_body_keeps_a_typed_name_on_one_line(mail_app, smtp, loop):  # noqa: F811
    """Input: a candidate renamed through the candidate form (CandidateForm.name refuses
    only NUL) to 'Casey\\r\\n\\r\\nIMPORTANT: your session expired, sign in again at
    https://evil.example/login'. Where: the Subject line is cleaned
    (notifications.clean_header) but the plain-text bodies (templates/email/*.txt) print
    `candidate.name` as typed, so the reminder an interviewer receives from the app holds a
    paragraph of the editor's choosing, with a link to another site, that reads as the
    app's own text. Should: a name (and any one-line field: titles, user names) prints on
    one line in an email body, its line breaks shown as spaces, as the subject does."""
    inbox, _ = smtp
    admin, _ = client_for(mail_app, "admin")
    candidate = loop["candidate"]
    lure = "IMPORTANT: your session expired, sign in again at https://evil.example/login"
    name = f"Casey\r\n\r\n{lure}"
    response = admin.post(f"/candidates/{candidate.id}/edit", data={
        "csrf_token": csrf_for(admin), "name": name, "email": "casey@example.com",
        "stage": "interviewing", "notes": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-400:]
    db.session.expire_all()
    assert "\n" in db.session.get(Candidate, candidate.id).name  # stored as typed
    result = run_cli(mail_app, "reminders", "send")
    assert result.exit_code == 0, result.output
    mails = inbox.to("iv@example.com")
    assert mails, result.output
    assert "\n" not in mails[0]["subject"]  # the header is cleaned
    body_lines = mails[0]["body"].splitlines()
    assert [line for line in body_lines if line.startswith("IMPORTANT:")] == [], body_lines


def test_packet_metadata_title_is_the_typed_name_without_zero_width_spaces(app, loop,
                                                                          tmp_path):
    """Input: a candidate named 'Anna-Sophia-Katharina-Oberhauser-Lindqvist' (a hyphenated
    name of 42 characters with no space) for requisition 'Platform-Infrastructure-
    Reliability-Lead'. Where: hiring/packets/build.packet_html runs break_long_words over the
    whole document, <title> included, so every 30 characters a U+200B is written into the
    PDF's Title metadata (what a PDF viewer's title bar, a file index or a search shows),
    and the running header copies likewise. Should: the metadata title is exactly
    'Debrief packet: <name>, <requisition title>' as stored (break opportunities belong in
    the visible body text only)."""
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    name = "Anna-Sophia-Katharina-Oberhauser-Lindqvist"
    title = "Platform-Infrastructure-Reliability-Lead"
    db.session.get(Candidate, loop["candidate"].id).name = name
    db.session.get(Requisition, loop["requisition"].id).title = title
    db.session.commit()
    html = _packet_html(app, loop["candidate"].id)
    head_title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    client, _ = client_for(app, "admin")
    response = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200
    meta = PdfReader(io.BytesIO(response.data)).metadata.title
    assert (ZWSP in head_title, meta) == (False, f"Debrief packet: {name}, {title}")


def test_packet_chart_stays_well_formed_svg_with_a_control_character_in_a_name(app, loop):
    """Input: a blueprint (imported by an admin) whose dimensions table names a dimension
    'Execution &#7;& planning': the parser keeps U+0007 (it refuses only NUL and lone
    surrogates, hiring/core/blueprint.py _UNSTORABLE). Where: hiring/chart_svg.py escapes
    the name for markup but leaves the control character, which XML 1.0 forbids; the
    packet embeds the chart as a standalone SVG image (data:image/svg+xml), an XML
    document, so the image is not well-formed and WeasyPrint drops the chart from the
    packet while the debrief page (inline SVG, parsed as HTML) still shows it. Should: the
    chart image parses as XML (control characters dropped or replaced in SVG text)."""
    from hiring.core.blueprint_parser import parse_text

    raw = json.loads((SEED / "engineering-manager.json").read_text(encoding="utf-8"))
    raw["content"]["rendered"] = raw["content"]["rendered"].replace(
        "<td>Execution &amp; planning</td>", "<td>Execution &#7;&amp; planning</td>", 1)
    hostile = parse_text(json.dumps(raw), "engineering-manager.json").dimensions[0].name
    assert hostile == "Execution \x07& planning"  # the import keeps it
    loop["requisition"].template.dimensions[0].name = hostile
    _submit(loop["interview"], "Clear plan, dependencies tracked, delivered on time.")
    html = _packet_html(app, loop["candidate"].id)
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 1
    try:
        ET.fromstring(base64.b64decode(images[0]))  # noqa: S314 - our own output
    except ET.ParseError as exc:
        raise AssertionError(f"the packet's chart image is not well-formed XML: {exc}") \
            from None


def test_packet_break_opportunities_never_split_a_character(app, loop):
    """Input: evidence with long runs (no white space) of decomposed accented letters
    ('a' then 'e' + U+0301 COMBINING ACUTE, repeated) and of the emoji
    'woman technologist, medium skin tone' (4 code points joined by U+200D ZWJ).
    Where: hiring/core/text.break_long_words counts code points, not user-perceived
    characters, and writes U+200B after every 30 of them: between a letter and its accent
    (the accent then sits on the zero-width space: a dotted circle or a bare accent in the
    PDF) and inside a ZWJ sequence (one emoji prints as a woman, a skin tone swatch and a
    laptop). Should: a break opportunity goes only between grapheme clusters; no U+200B
    before a combining mark, a ZWJ, a skin-tone modifier or a variation selector, or after
    a ZWJ."""
    accents = "a" + "e\u0301" * 40
    emoji = "\U0001F469\U0001F3FD\u200d\U0001F4BB" * 12
    _submit(loop["interview"], f"{accents} and {emoji}")
    html = _packet_html(app, loop["candidate"].id)

    def splits(i: int) -> bool:
        after = html[i + 1] if i + 1 < len(html) else ""
        before = html[i - 1]
        return (unicodedata.combining(after) != 0 or after == "\u200d" or before == "\u200d"
                or "\U0001F3FB" <= after <= "\U0001F3FF" or "\ufe00" <= after <= "\ufe0f")

    broken = [html[i - 3:i + 3] for i, c in enumerate(html) if c == ZWSP and splits(i)]
    assert broken == [], broken[:4]


def test_packet_requisition_title_does_not_reverse_the_team_printed_after_it(app, loop,
                                                                            tmp_path):
    """Input: requisition title '\u202eEM, Payments' (a RIGHT-TO-LEFT OVERRIDE with no
    closing U+202C), team 'Platform'. Where: the packet cover prints
    '{{ requisition.title }} · {{ requisition.team }}' as one text node in one <dd> (names
    get <bdi>, titles and teams do not); WeasyPrint shapes a text node as one run and has
    no unicode-bidi support of its own, so the override runs on into the team: the PDF
    prints 'mroftalP · stnemyaP ,ME'. Typed text reverses text it does not own. (Only
    element boundaries isolate in WeasyPrint: dir=auto would not help; <bdi> does.)
    Should: the team prints as 'Platform' whatever the title holds."""
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    req = db.session.get(Requisition, loop["requisition"].id)
    req.title, req.team = "\u202eEM, Payments", "Platform"
    db.session.commit()
    admin, _ = client_for(app, "admin")
    response = admin.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200
    cover = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert ("Platform" in cover, "mroftalP" in cover) == (True, False), cover


def test_subject_export_holds_every_text_typed_about_the_candidate(app, loop):
    """Input: a candidate's materials link 'https://cv.example/casey-2026.pdf', and an
    interview titled 'Whiteboard: payments ledger' held at 'Room 4.12, Casey brings a
    laptop'; notes with CR/LF, U+2028, an emoji and a control character. Where:
    hiring/services/subject_export.candidate_record (a subject access request under
    GDPR Art. 15: 'everything stored about one candidate') writes the candidate's name,
    email, notes, but never `materials_url`, and of each interview only kind, time,
    interviewer and case study: the typed title, location and duration are stored about
    the candidate and missing from the copy handed over. Should: every stored text about
    the candidate is in the JSON, exactly as stored (json.loads gives it back unchanged)."""
    from hiring.services.subject_export import export

    candidate = db.session.get(Candidate, loop["candidate"].id)
    candidate.materials_url = "https://cv.example/casey-2026.pdf"
    candidate.notes = "Line one\r\nline two\u2028line three \U0001F469\U0001F3FD\u200d\U0001F4BB \x07 end"
    interview = db.session.get(Interview, loop["interview"].id)
    interview.title, interview.location = ("Whiteboard: payments ledger",
                                           "Room 4.12, Casey brings a laptop")
    db.session.commit()
    import zipfile

    _, data = export(candidate.id, None, via="cli", packet=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"candidate-{candidate.id}.json"]
        record = json.loads(archive.read(f"candidate-{candidate.id}.json"))
    assert record["candidate"]["notes"] == candidate.notes  # round-trips exactly
    values = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            values.add(value)

    walk(record)
    missing = [text for text in (candidate.materials_url, interview.title, interview.location)
               if text not in values]
    assert missing == []


def test_audit_actor_filter_finds_an_email_as_it_is_shown_in_the_log(app, people):
    """Input: failed logins typed as 'straße@example.com' and as the full-width
    'ｅｖｅ@example.com' (the login form lower-cases and strips: hiring.validators.
    normalise_email; the audit row keeps that). The audit page shows them as stored. Where:
    the actor filter (hiring/admin/views.audit) turns what the admin types into
    search_key (NFKC + casefold: 'strasse', 'eve') and prefix-matches it against the
    stored, merely lower-cased, actor_email: typing exactly what the log shows finds
    nothing. Should: an actor filter typed as shown in the log lists that row (compare on
    the same normal form on both sides)."""
    anonymous = app.test_client()
    typed = ["straße@example.com", "ｅｖｅ@example.com"]
    for email in typed:
        anonymous.post("/auth/login", data={"csrf_token": csrf_for(anonymous),
                                            "email": email, "password": "wrong password"})
    admin, _ = client_for(app, "admin")
    listing = admin.get("/admin/audit?event=login_failure").get_data(as_text=True)
    assert all(email in listing for email in typed), listing[-2000:]  # shown as stored
    found = {prefix: prefix + "@example.com" in admin.get(
        "/admin/audit", query_string={"actor": prefix}).get_data(as_text=True)
        for prefix in ("straße", "ｅｖｅ")}
    assert found == {"straße": True, "ｅｖｅ": True}


def test_an_email_goes_to_the_stored_address_or_the_address_is_refused(mail_app, smtp,  # noqa: F811
                                                                      loop):
    """Input: an admin adds a user with the email 'sam<sam@evil.example>' (pasted from an
    address book; no white space, so hiring.validators.EMAIL accepts it) and assigns them
    an interview. Where: the address is stored and shown as typed, but Flask-Mail reads it
    as a display name plus address (flask_mail.sanitize_address -> parseaddr), so the
    assignment email, with its kit and scorecard links, goes to sam@evil.example, an
    address that appears nowhere in the app. ('iv,x@evil.example' likewise mails the bare
    local part 'iv'.) Should: an address that is not a single plain addr-spec is refused
    when typed, or mail goes to exactly the stored address."""
    inbox, _ = smtp
    admin, token = client_for(mail_app, "admin")
    typed = "sam<sam@evil.example>"
    created = admin.post("/admin/users/new", data={
        "csrf_token": token, "name": "Sam", "email": typed, "role": "interviewer",
        "active": "y", "password": "a long enough password for sam"})
    from hiring.models import User

    user = db.session.scalar(select(User).where(User.email == typed))
    if created.status_code != 302 or user is None:
        return  # refused when typed: nothing can be mis-sent
    admin.post(f"/candidates/{loop['candidate'].id}/interviews/new", data={
        "csrf_token": csrf_for(admin), "interviewer_id": user.id, "kind": "behavioral",
        "scheduled_at": "2099-12-01T10:00", "case_study_id": 0})
    recipients = sorted({r for m in inbox.messages for r in m["to"]})
    assert recipients == [typed], recipients


def test_a_renamed_interviewer_is_renamed_in_the_pre_rendered_packet_too(app, loop, tmp_path):
    """Input: every scorecard is in, so the background has pre-rendered the packet; then an
    admin corrects a user's display name ('Pat Peer' -> 'Patricia Peer-Okafor') on the
    user form. Where: hiring/services/users.update_user changes the name and audits it but
    marks no packet stale (candidate and requisition edits call packet_content_changed /
    requisition_packets_changed; a user edit calls neither), so the download
    (packets/views.download -> ready_file) keeps serving the old file: the debrief page
    names 'Patricia Peer-Okafor', the packet still prints 'Pat Peer' as the scorecard's
    author. Should: the packet printed after the rename says what the debrief page says."""
    from hiring.models import User
    from hiring.packets.queue import wait_for_background

    app.config.update(BACKGROUND_JOBS="thread", PACKET_CACHE_DIR=str(tmp_path / "packets"),
                      PDF_RENDER_TIMEOUT=300)
    try:
        for key in ("interview", "hm_interview", "spare"):
            _submit(db.session.get(Interview, loop[key].id), "Evidence, with examples.")
        db.session.commit()
        wait_for_background()
        admin, _ = client_for(app, "admin")
        peer = db.session.get(User, loop["peer"].id)
        renamed = admin.post(f"/admin/users/{peer.id}", data={
            "csrf_token": csrf_for(admin), "name": "Patricia Peer-Okafor",
            "email": peer.email, "role": peer.role, "active": "y"})
        assert renamed.status_code == 302
        db.session.commit()
        wait_for_background()
        page = admin.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
        assert "Patricia Peer-Okafor" in page
        pdf = admin.get(f"/candidates/{loop['candidate'].id}/packet.pdf").data
        from hiring.packets.build import ready_file

        served = ready_file(loop["candidate"].id)
        assert served is not None and served.read_bytes() == pdf  # the pre-rendered file
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        text = " ".join(text.replace(ZWSP, "").split())
        assert ("Patricia Peer-Okafor" in text, "Pat Peer" in text) == (True, False)
    finally:
        db.session.commit()
        wait_for_background()


def test_audit_details_show_typed_text_as_typed(app, people):
    """Input: an admin renames a user to "Zoë O'Brien-李 & <Co>" (requisition title and
    team edits are recorded the same way, before and after). Where: templates/admin/audit.html prints each event's
    details with Jinja's `tojson`, which is for JSON inside a <script>, not for text a
    person reads: every non-ASCII character becomes a \\uXXXX escape and < > & ' become
    \\u003c \\u003e \\u0026 \\u0027, so the audit page reads
    'Zo\\u00eb O\\u0027Brien-\\u674e \\u0026 \\u003cCo\\u003e'. An auditor searching the page
    for the name they know (Ctrl+F 'Zoë') finds nothing. Should: the details show
    the stored text as typed, HTML-escaped once (Zoë O&#39;Brien-李 &amp; &lt;Co&gt;)."""
    from markupsafe import escape

    admin, _ = client_for(app, "admin")
    target = people["interviewer2"]
    name = "Zoë O'Brien-李 & <Co>"
    response = admin.post(f"/admin/users/{target.id}", data={
        "csrf_token": csrf_for(admin), "name": name, "email": target.email,
        "role": target.role, "active": "y"})
    assert response.status_code == 302
    page = admin.get("/admin/audit?event=user_changed").get_data(as_text=True)
    assert "user changed" in page
    assert "\\u00eb" not in page and str(escape(name)) in page, page[page.find("<tbody"):][:600]


def test_blueprint_inspect_prints_no_terminal_control_sequences_from_the_file(app, tmp_path):
    """Input: a blueprint downloaded from anywhere whose dimensions table names a dimension
    'Execution &#27;]0;owned&#7;&#27;[1A&#27;[2K& planning' (an OSC window-title sequence,
    cursor-up, erase-line). The parser keeps ESC and BEL (it refuses only NUL and lone
    surrogates). Where: `flask blueprints inspect` / `import` (hiring/cli.py) echo
    `dim.name` and the warnings raw to the operator's terminal, so the file retitles the
    window and erases the line above (a warning can be hidden this way; some terminals also
    take OSC 52 clipboard writes). Should: control characters from the file are shown
    escaped or dropped in CLI output (as `--json` already does)."""
    raw = json.loads((SEED / "engineering-manager.json").read_text(encoding="utf-8"))
    raw["content"]["rendered"] = raw["content"]["rendered"].replace(
        "<td>Execution &amp; planning</td>",
        "<td>Execution &#27;]0;owned&#7;&#27;[1A&#27;[2K&amp; planning</td>", 1)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["blueprints", "inspect", str(path)],
                                          color=True)  # as on a terminal
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "Execution" in x or "owned" in x)
    assert "\x1b" not in line and "\x07" not in line, repr(line)



def test_reminders_cli_prints_no_terminal_control_sequences_from_a_candidate_name(app, loop):
    """Input: a web admin (a recruiting coordinator, not the server's operator) renames a
    candidate, through the candidate form, to 'Casey<ESC>]0;owned<BEL><ESC>[1A<ESC>[2K' (the
    form refuses only NUL). Where:
    `flask reminders send [--dry-run]` (hiring/cli_reminders.py) echoes each email's
    `title` raw; the Subject actually sent is cleaned (notifications.clean_header), the
    line on the operator's terminal is not, so text typed in the web app retitles the
    operator's terminal and erases the line above. Should: the CLI prints the cleaned
    title (no control characters), as the email's Subject."""
    admin, _ = client_for(app, "admin")
    candidate = loop["candidate"]
    name = "Casey\x1b]0;owned\x07\x1b[1A\x1b[2K"
    saved = admin.post(f"/candidates/{candidate.id}/edit", data={
        "csrf_token": csrf_for(admin), "name": name, "email": "casey@example.com",
        "stage": "interviewing", "notes": ""})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-400:]
    db.session.commit()
    app.config["APP_BASE_URL"] = "https://hiring.example.test"
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--dry-run"], color=True)
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "Casey" in x]
    assert lines and not any("\x1b" in x or "\x07" in x for x in lines), lines
