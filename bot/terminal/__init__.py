"""Terminal output: the segment report as the `segbot` command line prints it (rich)."""
