"""Files for machines that harvest the archive: feeds, sitemap, robots.txt, OAI-PMH, Crossref deposits, catalogues."""
