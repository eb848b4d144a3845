"""Search: the article pages indexed with Pagefind in stable shards, each kept until one of its pages changes."""
