"""Readers, one per blueprint file format. Each turns the file's text into the article's
(title, link, HTML); the sections are then read from that HTML in one place
(hiring.core.blueprint_sections). The registry is hiring.core.blueprint_parser.FORMATS."""
