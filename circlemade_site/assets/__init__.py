"""Assets: what the pages need besides their HTML: the theme's static files (fingerprinted),
the images of the plan (made with Pillow, cached) and the search index (Pagefind)."""
