"""Tables for the slack feature (filled in by that feature's change)."""
