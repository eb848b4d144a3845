"""Checks and normal forms for the identifiers scholars rely on: DOI, ORCID, ISSN, ISBN."""

from __future__ import annotations

import re

DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s\"<>]+$")  # [0-9]: \d would take Arabic or full-width digits
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", re.ASCII)
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/")
ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$", re.ASCII)


def normalise_doi(value: str) -> str | None:
    """A bare DOI from a bare DOI, a doi: name or a doi.org URL; None when it is not a DOI."""
    text = value.strip()
    for prefix in DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    return text if DOI.match(text) else None


def normalise_orcid(value: str) -> str | None:
    """The bare 16-character iD when format and ISO 7064 checksum agree, otherwise None."""
    text = value.strip()
    for prefix in ORCID_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.upper()
    if not ORCID.match(text):
        return None
    digits = text.replace("-", "")
    return text if _mod11_2(digits[:-1]) == digits[-1] else None


def _mod11_2(base: str) -> str:
    total = 0
    for char in base:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def valid_issn(value: str) -> bool:
    """True for an ISSN whose check digit is right."""
    text = value.strip().upper()
    if not ISSN.match(text):
        return False
    digits = text.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def valid_isbn(value: str) -> bool:
    """True for an ISBN-10 or ISBN-13 (hyphens and spaces allowed) whose check digit is right."""
    digits = re.sub(r"[\s-]", "", value).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits, re.ASCII):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits, re.ASCII):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False
