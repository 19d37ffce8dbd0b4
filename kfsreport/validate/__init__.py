"""Stage 2, validate: schemas, facts across keys, references, limits and leftover syntax."""
