"""A control character typed into feedback (a BEL pasted from a terminal, a form feed from
a document) never reaches the PDF: the packet reads back with the words as typed."""

from __future__ import annotations

import io

from pypdf import PdfReader

from hiring.core.text import ZWSP
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for

EVIDENCE = "Walked\x07 through the\x0c incident\x1b review with metrics and follow-ups."


def test_control_characters_in_evidence_leave_the_packet_text_readable(app, loop, tmp_path):
    app.config.update(PACKET_CACHE_DIR=str(tmp_path / "packets"))
    interview = loop["interview"]
    card = get_or_create(interview, interview.interviewer)
    save(card, ScorecardInput(ratings={d.id: (3, EVIDENCE) for d in interview.focus},
                              overall=3, case_notes="Case\x07notes kept."),
         card.lock_version, submit=True)
    client, _ = client_for(app, "interviewer")
    response = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    words = " ".join(text.replace(ZWSP, "").split())
    # each control character printed as a space: the words around it intact
    assert "Walked through the incident review with metrics" in words, words[:800]
    assert "Case notes kept." in words
    assert not any(c in text for c in "\x07\x0c\x1b")
