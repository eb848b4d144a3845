"""`archivist serve`: the preview server, its HTTP side, and the live site it keeps up to date."""
