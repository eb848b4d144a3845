"""Reading the site's files: articles found, front-matter split and validated, site data, new articles; no rendering."""
