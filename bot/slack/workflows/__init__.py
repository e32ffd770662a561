"""Slack workflows: what happens to a file shared in a channel, a re-run and a labels export, from the download
to the reply in the thread. They use services for the work itself and Slack (a `WebClient`, the thread) to talk."""
