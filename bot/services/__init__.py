"""Services: the steps of a Slack request's work (segment an upload, export labels, import a catalog)."""
