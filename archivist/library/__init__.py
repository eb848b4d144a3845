"""The library: every article with its citations, grouped for browsing, computed up front."""
