"""Tables for the digests feature (filled in by that feature's change)."""
