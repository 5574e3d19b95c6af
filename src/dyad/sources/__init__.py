"""Where articles come from besides files: fetching pages and watching feeds."""
