"""Convert the open CAMEO / Phoenix dictionaries into dyad codebooks.

The PETRARCH-2 verb and actor dictionaries and the CAMEO→PLOVER crosswalk are the field's
standard open coding data. This package reads them (from a folder the caller names; the
installed package never reads them at run time) and writes YAML codebooks in dyad's own
schema into ``dyad/codebooks/imported/``, with a NOTICE crediting the sources. Re-running
the conversion on the same inputs reproduces the committed files byte for byte.

Run ``python -m dyad.codebooks.convert DICTIONARIES_DIR [--out DIR]``.
"""
