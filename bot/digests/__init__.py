"""Weekly digests: when a subscription is due, making its digest (pull, segment, compare) and posting it."""
