"""What leaves a database: exports in every format and the HTML report."""
