"""CITATION.cff follows the Citation File Format 1.2.0.

A structural check against the format's schema (keys, required keys, types and
enumerations as the 1.2.0 schema defines them), read with PyYAML, which MkDocs
already installs: no validator is added to the lock for one small file.
"""

from __future__ import annotations

import datetime
import re

import pytest
import yaml

from tests.support import ROOT

# From the Citation File Format 1.2.0 schema.
TOP_LEVEL = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords",
    "license", "license-url", "message", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "title", "type", "url", "version",
}  # fmt: skip
REQUIRED = {"authors", "cff-version", "message", "title"}
PERSON = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax", "given-names",
    "name-particle", "name-suffix", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
ENTITY = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax", "location", "name", "orcid",
    "post-code", "region", "tel", "website",
}  # fmt: skip
REFERENCE_REQUIRED = {"authors", "title", "type"}
REFERENCE_TYPES = {
    "art", "article", "audiovisual", "bill", "blog", "book", "catalogue", "conference-paper", "conference", "data",
    "database", "dictionary", "edited-work", "encyclopedia", "film-broadcast", "generic", "government-document",
    "grant", "hearing", "historical-work", "legal-case", "legal-rule", "magazine-article", "manual", "map",
    "multimedia", "music", "newspaper-article", "pamphlet", "patent", "personal-communication", "proceedings",
    "report", "serial", "slides", "software-code", "software-container", "software-executable",
    "software-virtual-machine", "software", "sound-recording", "standard", "statute", "thesis", "unpublished",
    "video", "website",
}  # fmt: skip
URL = re.compile(r"^(https|http|ftp|sftp)://.+")
DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$")
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def _text(value) -> bool:
    return isinstance(value, str) and len(value) > 0


def _check_authors(authors, where: str) -> None:
    assert isinstance(authors, list) and authors, f"{where}: authors is a non-empty list, got {authors!r}"
    for author in authors:
        assert isinstance(author, dict), f"{where}: each author is a mapping, got {author!r}"
        if "name" in author:  # an entity: a team, an institution, a group of authors
            assert set(author) <= ENTITY, f"{where}: entity keys not in CFF 1.2.0: {set(author) - ENTITY}"
            assert _text(author["name"]), f"{where}: an entity's name is a non-empty string, got {author['name']!r}"
        else:
            assert set(author) <= PERSON, f"{where}: person keys not in CFF 1.2.0: {set(author) - PERSON}"
        assert all(_text(value) for value in author.values()), f"{where}: author fields are non-empty strings"


def _check_license(value, where: str) -> None:
    licenses = value if isinstance(value, list) else [value]
    assert licenses and all(isinstance(x, str) and SPDX_ID.match(x) for x in licenses), (
        f"{where}: license is an SPDX identifier or a list of them, got {value!r}"
    )
    assert len(set(licenses)) == len(licenses), f"{where}: licenses are unique"


def test_citation_file_has_the_required_keys_and_no_others(cff):
    assert isinstance(cff, dict), "CITATION.cff is a YAML mapping"
    assert REQUIRED <= set(cff), f"CITATION.cff lacks required keys: {REQUIRED - set(cff)}"
    assert set(cff) <= TOP_LEVEL, f"CITATION.cff has keys that CFF 1.2.0 does not define: {set(cff) - TOP_LEVEL}"
    assert cff["cff-version"] == "1.2.0", f"cff-version is the string 1.2.0, got {cff['cff-version']!r}"
    assert _text(cff["message"]) and _text(cff["title"]), "message and title are non-empty strings"


def test_citation_fields_have_the_types_the_format_defines(cff):
    _check_authors(cff["authors"], "authors")
    assert cff.get("type", "software") in {"software", "dataset"}, f"type is software or dataset, got {cff['type']!r}"
    if "version" in cff:
        assert _text(cff["version"]) or isinstance(cff["version"], int | float), "version is a string or a number"
    if "license" in cff:
        _check_license(cff["license"], "license")
    if "keywords" in cff:
        keywords = cff["keywords"]
        assert all(_text(k) for k in keywords) and len(set(keywords)) == len(keywords), "keywords: unique strings"
    if "date-released" in cff:
        date = cff["date-released"]  # YAML reads an unquoted date as a date: the schema compares its text
        date = date.isoformat() if isinstance(date, datetime.date) else date
        assert isinstance(date, str) and DATE.match(date), f"date-released is YYYY-MM-DD, got {date!r}"
    for key in ("url", "repository", "repository-code", "repository-artifact", "license-url"):
        if key in cff:
            assert isinstance(cff[key], str) and URL.match(cff[key]), f"{key} is a URL, got {cff[key]!r}"


def test_the_preferred_citation_is_a_valid_reference(cff):
    reference = cff.get("preferred-citation")
    if reference is None:
        pytest.skip("no preferred-citation")
    assert REFERENCE_REQUIRED <= set(reference), f"preferred-citation lacks {REFERENCE_REQUIRED - set(reference)}"
    assert reference["type"] in REFERENCE_TYPES, f"preferred-citation type {reference['type']!r} is not in CFF 1.2.0"
    _check_authors(reference["authors"], "preferred-citation")
    assert _text(reference["title"]), "preferred-citation title is a non-empty string"
    if "year" in reference:
        assert isinstance(reference["year"], int) or _text(reference["year"]), "year is an integer or a string"
    if "license" in reference:
        _check_license(reference["license"], "preferred-citation license")


def test_the_citation_names_the_licences_in_the_repository(cff):
    """The code's licence is MIT (LICENSE), the text's CC BY 4.0 (LICENSE-text.md)."""
    assert cff["license"] == "MIT" and "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert cff["preferred-citation"]["license"] == "CC-BY-4.0"
    assert "Attribution 4.0 International" in (ROOT / "LICENSE-text.md").read_text(encoding="utf-8")
