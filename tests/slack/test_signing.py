from slack_sdk.signature import SignatureVerifier

from tests.slack.signing import signed_headers, slack_signature

# Slack's documented example (see ../shared/SLACK.md).
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TIMESTAMP = "1531420618"
BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_signature_matches_slacks_documented_example() -> None:
    assert slack_signature(SECRET, TIMESTAMP, BODY) == EXPECTED


def test_signed_headers_pass_slack_sdks_verifier() -> None:
    headers = signed_headers(SECRET, BODY)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(BODY, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not verifier.is_valid(BODY + "x", headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
