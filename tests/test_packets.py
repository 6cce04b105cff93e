"""PDF debrief packets: content read back, access, caching, safety, batch builds."""

from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hiring.extensions import db
from hiring.models import Decision
from hiring.packets.pdf import html_to_pdf
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for

EVIDENCE = "Explained the rollback plan step by step, with the metrics they watched."


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def packet_app(app, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    return app


def submit(interview, notes: str = EVIDENCE, overall: int = 3, **extra):
    card = get_or_create(interview, interview.interviewer)
    save(card, ScorecardInput(ratings={d.id: (3, notes) for d in interview.focus},
                              overall=overall, **extra), card.lock_version, submit=True)
    return card


def test_packet_has_cover_debrief_scorecards_and_appendix(packet_app, loop):
    submit(loop["interview"])
    submit(loop["hm_interview"], overall=4)
    db.session.add(Decision(candidate_id=loop["candidate"].id, decision="hire",
                            rationale="Strong loop, references fine.",
                            decided_by_id=loop["requisition"].hiring_manager_id))
    db.session.commit()
    client, _ = client_for(packet_app, "hiring_manager")
    response = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    # who and what; the date is the app clock's today (CLOCK_START, 2026-11-27 12:00 UTC)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="debrief-casey-candidate-em-payments-2026-11-27.pdf"')
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Debrief packet: Casey Candidate, EM, Payments"
    assert reader.metadata.author == "Hiring (Hm)"  # the hiring manager
    assert "Confidential hiring debrief" in reader.metadata.subject
    text = text_of(response.data)
    for expected in ("Confidential", "Casey Candidate", "Engineering Manager (scorecard version 1)",
                     "Recommendation", EVIDENCE, "Walked through a concrete incident review",
                     "Appendix: the role's scorecard", "Meets the bar:",
                     "Final decision: Hire", "Strong loop, references fine.",
                     f"Page 1 of {len(reader.pages)}",
                     "mean rating", "one interviewer"):  # the chart's legend, drawn
        assert expected in text, expected
    assert "Pat Peer" in text and "submitted" in text


def test_packet_follows_the_debrief_access_rules(packet_app, loop):
    url = f"/candidates/{loop['candidate'].id}/packet.pdf"
    interviewer, _ = client_for(packet_app, "interviewer")
    assert interviewer.get(url).status_code == 403  # not submitted yet: blind
    other = f"/candidates/{loop['other_candidate'].id}/packet.pdf"
    hm, _ = client_for(packet_app, "hiring_manager")
    assert hm.get(other).status_code == 404
    assert packet_app.test_client().get(url).status_code == 302
    submit(loop["interview"])
    assert interviewer.get(url).status_code == 200


def test_unchanged_packet_comes_from_the_cache_and_a_change_renders_anew(packet_app, loop):
    from pathlib import Path

    admin, _ = client_for(packet_app, "admin")
    url = f"/candidates/{loop['candidate'].id}/packet.pdf"
    first = admin.get(url).data
    cache = Path(packet_app.config["PACKET_CACHE_DIR"])
    assert len(list(cache.glob("*.pdf"))) == 1
    assert admin.get(url).data == first
    assert len(list(cache.glob("*.pdf"))) == 1
    submit(loop["interview"], notes="A brand new piece of evidence that changes the packet.")
    changed = admin.get(url).data
    assert changed != first
    assert "A brand new piece of evidence" in text_of(changed)
    assert len(list(cache.glob("*.pdf"))) == 2


def test_letter_page_size_is_configurable(packet_app, loop):
    packet_app.config["PDF_PAGE_SIZE"] = "Letter"
    admin, _ = client_for(packet_app, "admin")
    reader = PdfReader(io.BytesIO(admin.get(
        f"/candidates/{loop['candidate'].id}/packet.pdf").data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def trap(tmp_path):
    """A real HTTP server on loopback and a real secret file, to prove nothing is fetched."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("body::after { content: 'TOPSECRET-LEAKED' }")
    (tmp_path / "secret.txt").write_text("TOPSECRET-LEAKED")
    yield f"http://127.0.0.1:{server.server_port}", secret
    server.shutdown()


def hostile_notes(url: str, secret) -> list[str]:
    file_url = secret.as_uri()
    return [
        f'<img src="{url}/img.png"><img src="{file_url}">',
        f'<link rel="stylesheet" href="{url}/x.css"><link rel="attachment" href="{file_url}">',
        f'<a rel="attachment" href="{secret.with_name("secret.txt").as_uri()}">x</a>',
        f'<object data="{url}/obj"></object><embed src="{file_url}">',
        f'<style>@import url("{url}/import.css"); @import "{file_url}";</style>',
        f'<p style="background: url({url}/bg.png)">styled</p>',
        f'<svg><image href="{url}/svg.png"/><use href="{file_url}#x"/></svg>',
        f'<script>fetch("{url}/script")</script><iframe src="{url}/frame"></iframe>',
    ]


def test_hostile_notes_are_escaped_text_and_fetch_nothing(packet_app, loop, trap):
    url, secret = trap
    payloads = hostile_notes(url, secret)
    card = get_or_create(loop["interview"], loop["interview"].interviewer)
    focus = loop["interview"].focus
    save(card, ScorecardInput(
        ratings={focus[0].id: (3, payloads[0] + " " + payloads[1]),
                 focus[1].id: (2, payloads[2] + " " + payloads[3])},
        overall=3, other_concern=payloads[4] + payloads[5],
        case_notes=payloads[6] + payloads[7]), card.lock_version, submit=True)
    admin, _ = client_for(packet_app, "admin")
    response = admin.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200
    assert _Recorder.hits == []
    text = " ".join(text_of(response.data).split())
    assert "TOPSECRET-LEAKED" not in text
    for fragment in ('<img src="http://127.0.0.1', "<script>fetch(", "@import url(",
                     '<object data="', "<svg><image href="):
        assert fragment in text, fragment


def test_the_renderer_refuses_what_escaping_would_have_stopped(trap):
    """Defence in depth: even raw markup (had escaping failed) fetches nothing."""
    url, secret = trap
    html = "<html><body><p>Before</p>" + "".join(hostile_notes(url, secret)) + "</body></html>"
    pdf, blocked = html_to_pdf(html, f'@import url("{url}/css-import.css"); p {{ color: red }}')
    assert _Recorder.hits == []
    assert "TOPSECRET-LEAKED" not in text_of(pdf)
    assert any(u.startswith(url) for u in blocked)
    assert any(u.startswith("file://") for u in blocked)
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_data_urls_and_bundled_assets_are_allowed():
    from hiring.packets.pdf import STATIC_DIR
    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
           "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    html = (f'<img src="{png}"><img src="{(STATIC_DIR / "favicon.svg").as_uri()}">'
            '<img src="favicon.svg">')
    _, blocked = html_to_pdf(html, "")
    assert blocked == []


@pytest.mark.slow
def test_batch_build_writes_every_packet_and_a_combined_pdf(packet_app, loop, tmp_path):
    submit(loop["interview"])
    out = tmp_path / "out"
    result = packet_app.test_cli_runner().invoke(args=[
        "packets", "build", "--requisition", str(loop["requisition"].id), "--out", str(out),
        "--workers", "2"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"debrief-candidate-{loop['candidate'].id}.pdf",
                     f"requisition-{loop['requisition'].id}.pdf"]
    single = PdfReader(out / files[0])
    combined = PdfReader(out / files[1])
    assert len(combined.pages) == len(single.pages)
    assert "Casey Candidate" in text_of((out / files[1]).read_bytes())
    missing = packet_app.test_cli_runner().invoke(args=["packets", "build", "--requisition",
                                                        "9999"])
    assert missing.exit_code != 0 and "no requisition with id 9999" in missing.output
    assert db.session.scalar(select(Decision)) is None


PACKET_PAGES = [["first packet"], ["second packet", "its page 2"], ["third packet"],
                ["fourth packet"], ["fifth packet", "its page 2", "its page 3"]]


@pytest.fixture(scope="module")
def packet_files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("packets")
    files = []
    for n, pages in enumerate(PACKET_PAGES):
        html = "".join(f'<p style="break-before: page">{text}</p>' for text in pages)
        files.append(folder / f"{n}.pdf")
        files[-1].write_bytes(html_to_pdf(html, "")[0])
    return files


@pytest.mark.parametrize("at_once", [200, 5, 3, 2])
def test_the_combined_pdf_holds_every_page_of_every_packet_in_order(packet_files, tmp_path,
                                                                      at_once):
    """Also with more packets than files combined at once: then in parts (3: parts of 3
    and 2 packets; 2: parts of 2, 2 and 1 packets, then parts of those parts)."""
    from hiring.packets.batch import _combine

    _combine(packet_files, tmp_path / "all.pdf", at_once)
    assert [page.extract_text().strip() for page in PdfReader(tmp_path / "all.pdf").pages] == [
        text for pages in PACKET_PAGES for text in pages]
    assert [p.name for p in tmp_path.iterdir()] == ["all.pdf"]  # no part left behind
    _combine([], tmp_path / "none.pdf", at_once)
    assert len(PdfReader(tmp_path / "none.pdf").pages) == 0
    with pytest.raises(ValueError):
        _combine(packet_files, tmp_path / "never.pdf", 1)


def test_the_packet_chart_is_the_escaped_svg_as_a_data_image(packet_app, loop):
    """The packet draws the chart from an image (faster to lay out than inline SVG); a
    dimension name full of markup stays text inside it and cannot leave the attribute."""
    import base64
    import re
    import xml.etree.ElementTree as ET

    from hiring.packets.build import packet_html
    from hiring.services.debrief import build_debrief, load_candidate

    hostile = '</svg>"><img src=x onerror=alert(1)>&amp;'
    loop["requisition"].template.dimensions[0].name = hostile
    submit(loop["interview"])
    with packet_app.test_request_context():
        html = packet_html(build_debrief(load_candidate(loop["candidate"].id)))
    assert "<svg" not in html and hostile not in html  # no inline SVG; the name escaped
    images = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"',
                        html)
    assert len(images) == 1
    svg = ET.fromstring(base64.b64decode(images[0]))  # noqa: S314 - our own output
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert hostile[:29] + "…" in texts  # the chart truncates names to 30 characters
