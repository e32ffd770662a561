"""Everything Segbot shows in Slack, rendered from computed results: pure functions, no Slack calls.

The Slack listeners call these (see `bot.report.render`); ids of buttons and modals live in
`bot.report.actions`.
"""
