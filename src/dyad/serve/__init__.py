"""The faces over the Python API: the command line, the web server and page, its client."""
