"""The library: every article with its citations, grouped for browsing, computed up front."""

ENTRY = "entry"  # the root of a recorded read of one article (see readables); the rebuild planner
# compares such reads, and names the root from here without loading the library
UNKNOWN = ("unknown",)  # the root of a read that cannot be evaluated again: it always reads as changed
