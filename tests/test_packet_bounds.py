"""Issue 11 item 3 (bounded PDF render) and item 10 (packet files 0600, cache folder 0700).

Speed is measured in bench/packet_worst.py, not here; these tests hold the behaviour: long
words get break opportunities, a render past its time limit is stopped with a clear answer,
and the renderer recovers for the next packet."""

from __future__ import annotations

import io
import random
import stat
import string
from pathlib import Path

import pytest
from pypdf import PdfReader

from hiring.core.text import ZWSP, break_long_words
from hiring.packets.bounded import RenderTimeout, render_pdf_bounded
from hiring.services.scorecards import ScorecardInput, get_or_create, save
from tests.access import client_for

WORD = "".join(random.Random(11).choices(string.ascii_letters, k=20_000))  # no white space


def test_long_words_get_a_break_opportunity_every_30_characters():
    html = f'<p class="{"c" * 50}" title="{"t" * 50}">{WORD} short words &amp; {"&lt;" * 40}</p>'
    out = break_long_words(html)
    assert out.replace(ZWSP, "") == html  # nothing else changes
    text = out[out.index(">") + 1:out.rindex("<")]
    assert max(len(run) for run in text.replace("&lt;", "<").replace("&amp;", "&").replace(
        ZWSP, " ").split()) == 30
    assert out.startswith(f'<p class="{"c" * 50}" title="{"t" * 50}">')  # tags untouched
    assert "&l" + ZWSP not in out and "&" + ZWSP not in out  # entities stay whole
    assert break_long_words("<p>" + "x" * 30 + "</p>") == "<p>" + "x" * 30 + "</p>"


def test_a_render_past_its_limit_is_stopped_and_the_next_one_works():
    pathological = f"<p>{WORD}</p>"  # no break opportunity, and the CSS asks for one anywhere
    with pytest.raises(RenderTimeout):
        render_pdf_bounded(pathological, "p { overflow-wrap: anywhere; }", timeout=2)
    pdf = render_pdf_bounded("<p>after the timeout</p>", "", timeout=60)
    assert "after the timeout" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def _submit_long_words(loop):
    interview = loop["interview"]
    card = get_or_create(interview, interview.interviewer)
    # stored before the input cap, or through another path: the packet still renders it
    save(card, ScorecardInput(ratings={d.id: (3, WORD) for d in interview.focus}, overall=3,
                              case_notes=WORD), card.lock_version, submit=True)


def _long_words_packet(app, loop, tmp_path, print_at_most: int):
    """Submit 20,000-character words (a deployment with a higher note cap: the scorecard
    service enforces NOTE_MAX_LENGTH) and download the packet: the interviewer's client and
    the packet's text without white space or break opportunities."""
    app.config.update(PACKET_CACHE_DIR=str(tmp_path / "packets"), PDF_RENDER_TIMEOUT=120,
                      NOTE_MAX_LENGTH=20_000, PACKET_FIELD_MAX_CHARS=print_at_most)
    _submit_long_words(loop)
    client, _ = client_for(app, "interviewer")
    response = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return client, "".join(text.replace(ZWSP, "").split())


def test_packet_of_20000_character_words_renders_and_keeps_every_character(app, loop,
                                                                          tmp_path):
    client, flat = _long_words_packet(app, loop, tmp_path, print_at_most=0)  # print it all
    # every character printed (not cut off at the page edge): each 30-character piece
    # between break opportunities is on the page; page headers may sit between pieces
    pieces = [WORD[i:i + 30] for i in range(0, len(WORD), 30)]
    assert [p for p in pieces if p not in flat] == []
    folder = tmp_path / "packets"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= 2  # the PDF and the candidate's index of cached packets
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {
        p.name: 0o600 for p in files}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folder.rglob("*")
               if p.is_dir())


def test_a_packet_past_the_time_limit_answers_503_with_a_clear_message(app, loop, tmp_path):
    app.config.update(PACKET_CACHE_DIR=str(tmp_path / "packets"), PDF_RENDER_TIMEOUT=0)
    client, _ = client_for(app, "admin")
    response = client.get(f"/candidates/{loop['candidate'].id}/packet.pdf")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "took longer than 0 seconds" in html and "debrief page shows everything" in html
    assert 'class="site-header"' in html  # in the layout, not a bare error


def test_an_existing_cache_folder_is_made_private(app, tmp_path):
    from hiring.packets.build import cache_dir, store_pdf

    folder: Path = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    app.config["PACKET_CACHE_DIR"] = str(folder)
    store_pdf("k" * 64, b"%PDF-1.7 test")
    assert stat.S_IMODE(cache_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / f"{'k' * 64}.pdf").stat().st_mode) == 0o600


def test_the_packet_prints_a_long_field_clipped_and_says_where_the_rest_is(app, loop,
                                                                          tmp_path):
    """The worst input allowed would be a 160-page packet that cannot be laid out within
    the render limit: each free-text field prints its first PACKET_FIELD_MAX_CHARS
    characters and then how many more there are; the debrief page shows all of it."""
    client, flat = _long_words_packet(app, loop, tmp_path, print_at_most=1500)
    assert WORD[:1500] in flat and WORD[1500:1530] not in flat  # 20,000 - 1,500 = 18,500
    assert "[18,500morecharacters:thefulltextisonthedebriefpage]" in flat
    page = client.get(f"/candidates/{loop['candidate'].id}/debrief").get_data(as_text=True)
    assert WORD in page.replace(ZWSP, "") and "more characters" not in page
