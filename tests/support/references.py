"""An article's reference list for tests: one work of each kind the machine records type differently."""

from __future__ import annotations

from archivist.model import Reference


def _reference(number: int, csl: dict, text: str) -> Reference:
    key = csl["id"]
    return Reference(key=key, csl=csl, html=f"<span>{text}</span>", text=text, anchor=f"ref-{key}",
                     cited_at=(f"cite-{number}",))


JOURNAL = {
    "id": "kalnins2019", "type": "article-journal", "title": "Ship Registers; a <i>Census</i> = a Count?",
    "author": [{"family": "Kalniņš", "given": "Jānis"}, {"family": "Linden", "given": "Maaike", "non-dropping-particle": "van der"}],
    "container-title": "Ledger and Letter", "volume": "12", "issue": "3", "page": "101–130",
    "issued": {"date-parts": [[2019, 4]]}, "DOI": "10.99999/ll.2019.017", "ISSN": "2739-5146",
}
BOOK = {
    "id": "lankov2002", "type": "book", "title": "From Stalin to Kim Il Sung",
    "author": [{"family": "Lankov", "given": "Andrei"}], "publisher": "Rutgers University Press",
    "publisher-place": "New Brunswick", "issued": {"date-parts": [[2002]]}, "ISBN": "978-0-8135-3117-3",
}
CHAPTER = {
    "id": "oconnor2010", "type": "chapter", "title": "Harbour Dues and Their Books",
    "author": [{"family": "O’Connor", "given": "Siobhán"}], "editor": [{"family": "Brandt", "given": "Ulrike"}],
    "container-title": "Maritime Ledgers, 1700–1900", "publisher": "Harbour Lane Academic Press",
    "page": "45-67", "issued": {"date-parts": [[2010]]},
}
THESIS = {
    "id": "park2015", "type": "thesis", "title": "Parish Registers of Gyeonggi", "genre": "PhD thesis",
    "author": [{"family": "박", "given": "지민"}], "publisher": "Seoul National University",
    "issued": {"date-parts": [[2015]]}, "URL": "https://example.edu/theses/park2015?view=full&lang=en",
}
DATASET = {
    "id": "wgarchives2021", "type": "dataset", "title": "Port Dues Ledger Transcriptions",
    "author": [{"literal": "Working Group on Archives"}], "publisher": "Zenodo", "version": "2.1",
    "issued": {"date-parts": [[2021, 6, 1]]}, "DOI": "10.5281/zenodo.1234567",
}
WEBPAGE = {
    "id": "tides", "type": "webpage", "title": "Tide Tables of the Northern Coast",
    "author": [{"literal": "Harbour Authority; Records Office"}], "container-title": "Harbour Authority",
    "issued": {"date-parts": [[2020, 11, 3]]}, "URL": "https://example.org/tides;v=2",
}

REFERENCES = (
    _reference(1, JOURNAL, "Kalniņš, J., & van der Linden, M. (2019). Ship registers. Ledger and Letter, 12(3), 101–130."),
    _reference(2, BOOK, "Lankov, A. (2002). From Stalin to Kim Il Sung. Rutgers University Press."),
    _reference(3, CHAPTER, "O’Connor, S. (2010). Harbour dues and their books. In U. Brandt (Ed.), Maritime ledgers, 1700–1900 (pp. 45–67)."),
    _reference(4, THESIS, "박지민. (2015). Parish registers of Gyeonggi [PhD thesis, Seoul National University]."),
    _reference(5, DATASET, "Working Group on Archives. (2021). Port dues ledger transcriptions (Version 2.1) [Data set]. Zenodo."),
    _reference(6, WEBPAGE, "Harbour Authority; Records Office. (2020, November 3). Tide tables of the northern coast."),
)
