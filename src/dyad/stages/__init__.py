"""The per-article pipeline stages: read, clean, nlp, actors, events, when, place, link."""
