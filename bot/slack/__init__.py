"""The Slack application: Bolt app wiring (`app.create_app`), listeners, commands, serving and Slack I/O."""
