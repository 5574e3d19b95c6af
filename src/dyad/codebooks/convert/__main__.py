"""``python -m dyad.codebooks.convert DICTIONARIES_DIR [--out DIR]``: write the codebooks."""

from dyad.codebooks.convert.run import main

main()
