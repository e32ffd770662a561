"""Tables for the influencers feature (filled in by that feature's change)."""
