"""`make_http_server` on a port it cannot have: one plain sentence, so `segbot serve` exits 2."""

from __future__ import annotations

import re
import socket

import pytest
from slack_bolt import App

from bot.errors import ConfigurationError
from bot.slack.server import make_http_server
from bot.storage.database import create_database_engine


def test_a_port_in_use_or_out_of_range_is_a_configuration_error() -> None:
    app = App(signing_secret="secret", token_verification_enabled=False, authorize=lambda **_: None)
    engine = create_database_engine("sqlite://")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        in_use = f"Segbot cannot listen on 127.0.0.1:{port} (Address already in use); choose another --port"
        with pytest.raises(ConfigurationError, match=f"^{re.escape(in_use)}"):
            make_http_server(app, engine, "127.0.0.1", port, signing_secret="secret")
    out_of_range = "Segbot cannot listen on 127.0.0.1:99999 (bind(): port must be 0-65535); choose"
    with pytest.raises(ConfigurationError, match=f"^{re.escape(out_of_range)}"):
        make_http_server(app, engine, "127.0.0.1", 99999, signing_secret="secret")
