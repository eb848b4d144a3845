"""Planning the site's pages: every output file, its template and data, listings, redirects and link checks."""
