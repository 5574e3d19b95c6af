"""The codebooks (YAML data in this directory) and their loaders, the gazetteer and caches."""
