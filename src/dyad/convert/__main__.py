"""``python -m dyad.convert DICTIONARIES_DIR [--out DIR]``: write the imported codebooks."""

from dyad.convert.run import main

main()
