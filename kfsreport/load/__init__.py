"""Stage 1, load: the report folder read into located data (YAML, Markdown, data sets, images)."""
