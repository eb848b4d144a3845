"""Helpers every stage may use: names and slugs, identifiers, vocabularies, files, digests, worker processes, locales."""
