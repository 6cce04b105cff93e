"""Issue 15, the packet: who-and-what file names, a cover whose labels do not run into their
values, a decision that never sits alone on a page, and no dimension header left at the foot
of a page without its first evidence. Checked on real PDFs read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from hiring.extensions import db
from hiring.models import Candidate, Decision, Requisition
from hiring.packets.naming import packet_filename, slug
from tests.access import client_for
from tests.test_packets import submit

DAY = date(2026, 11, 27)


@pytest.fixture
def packet_app(app, tmp_path):
    app.config["PACKET_CACHE_DIR"] = str(tmp_path / "packets")
    return app


def _name(candidate: str, requisition: str) -> str:
    return packet_filename(Candidate(id=7, name=candidate), Requisition(id=3, title=requisition),
                           DAY)


def test_file_name_says_who_and_what_and_is_safe():
    assert _name("Ada Lindqvist", "EM, Payments") == "debrief-ada-lindqvist-em-payments-2026-11-27.pdf"
    assert _name("José Ñúñez-O'Brien", "Staff / CI \"CD\"") == (
        "debrief-jose-nunez-o-brien-staff-ci-cd-2026-11-27.pdf")
    # nothing left to slug: the ids stand in
    assert _name("李小龍", "../..") == "debrief-candidate-7-requisition-3-2026-11-27.pdf"
    long = _name("A" * 5000, "B" * 5000)
    assert len(long.encode()) < 255 and long.endswith("-2026-11-27.pdf")
    for hostile in ("a\x00b\r\nContent-Type: x", "\u202eevil\u202c", "a;b=c", "%2F..%2F"):
        assert re.fullmatch(r"[a-z0-9-]+", slug(hostile, "x"))


def _packet(client, candidate_id: int) -> tuple[PdfReader, str]:
    response = client.get(f"/candidates/{candidate_id}/packet.pdf")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    return PdfReader(io.BytesIO(response.data)), disposition


def test_cover_decision_and_evidence_breaks(packet_app, loop):
    long_words = " ".join(["Explained the plan, the risks and the numbers behind it."] * 40)
    submit(loop["interview"], notes=long_words, case_notes="Cut scope to the retry path.")
    submit(loop["hm_interview"], notes=long_words, overall=4)
    rationale = "Strong loop; references checked. " * 30
    db.session.add(Decision(candidate_id=loop["candidate"].id, decision="hire",
                            rationale=rationale, decided_by_id=loop["requisition"].hiring_manager_id))
    db.session.commit()
    client, _ = client_for(packet_app, "hiring_manager")
    reader, disposition = _packet(client, loop["candidate"].id)
    assert re.fullmatch(r'attachment; filename="debrief-casey-candidate-em-payments-'
                        r'\d{4}-\d{2}-\d{2}\.pdf"', disposition)

    # the cover: every label is set apart from its value (overlap reads "RecommendationHire")
    cover = reader.pages[0].extract_text(extraction_mode="layout")
    for label in ("Role", "Requisition", "Hiring manager", "Date", "Scorecards",
                  "Recommendation", "Decision"):
        line = next(line for line in cover.splitlines() if line.strip().startswith(label))
        assert re.search(rf"^{label}\s{{2,}}\S", line.strip()), line

    # the decision and its rationale share their page with the debrief's recommendation
    pages = [page.extract_text() for page in reader.pages]
    [decision_page] = [i for i, text in enumerate(pages) if "Final decision: Hire" in text]
    assert "RECOMMENDATION" in pages[decision_page].upper().replace("FINAL DECISION", "")
    assert "Strong loop; references checked." in pages[decision_page]

    # no page ends on a dimension heading or an evidence line without its evidence
    names = {d.name for d in loop["template"].dimensions}
    for number, page in enumerate(reader.pages[1:], start=2):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not re.search(r"Page \d+ of \d+", line)
                and not line.startswith("Casey Candidate ")]
        assert body, number
        last = body[-1]
        assert last not in names, f"page {number} ends on the heading {last!r}"
        assert not re.fullmatch(r".+ · (\d \w[\w ]*|not assessed)", last), (number, last)
