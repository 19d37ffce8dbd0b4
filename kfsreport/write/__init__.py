"""Stage 6, write: fingerprints, the cache folder and outputs put in place atomically."""
