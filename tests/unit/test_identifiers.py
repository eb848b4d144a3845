"""Identifier checks: DOIs normalised, ORCID/ISSN/ISBN check digits verified."""

import pytest

from archivist.util.identifiers import normalise_doi, normalise_orcid, valid_isbn, valid_issn


@pytest.mark.parametrize("raw", ["10.1353/ks.2002.0009", "https://doi.org/10.1353/ks.2002.0009",
                                 "doi:10.1353/ks.2002.0009", "http://dx.doi.org/10.1353/ks.2002.0009"])
def test_doi_forms_normalise_to_bare(raw):
    assert normalise_doi(raw) == "10.1353/ks.2002.0009"


@pytest.mark.parametrize("raw", ["10.13/x", "11.1353/ks", "https://example.org/10.1353/ks", "10.1353/ a"])
def test_non_dois_are_refused(raw):
    assert normalise_doi(raw) is None


def test_orcid_checksum():
    assert normalise_orcid("0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert normalise_orcid("https://orcid.org/0000-0001-5109-3700") == "0000-0001-5109-3700"
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalise_orcid("0000-0002-1825-0098") is None
    assert normalise_orcid("0000-0002-1825") is None


def test_issn_and_isbn_check_digits():
    assert valid_issn("0145-840X")
    assert valid_issn("0378-5955")
    assert not valid_issn("0378-5954")
    assert valid_isbn("978-0-306-40615-7")
    assert valid_isbn("0-306-40615-2")
    assert not valid_isbn("978-0-306-40615-8")
