"""One module per kind of generated page."""
