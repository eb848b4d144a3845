"""Writing the built site to disk: a whole tree swapped atomically, or a preview folder updated file by file."""
