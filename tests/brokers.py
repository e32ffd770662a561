"""The message brokers the tests use (RabbitMQ and Redis on 127.0.0.1 unless SEGBOT_TEST_RABBITMQ_URL /
SEGBOT_TEST_REDIS_URL name others): reachability, and removing a test's queues afterwards."""

from __future__ import annotations

import os
import uuid

import pika
import pytest
import redis

BROKER_URLS = {
    "rabbitmq": os.environ.get("SEGBOT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672"),
    "redis": os.environ.get("SEGBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
}


def require_broker(kind: str) -> str:
    """The URL of the `kind` broker ("rabbitmq" or "redis"); the test is skipped when it does not answer, and
    fails instead when SEGBOT_REQUIRE_SERVICES=1."""
    url = BROKER_URLS[kind]
    problem = unreachable(url)
    if problem is not None:
        reason = f"{kind} not reachable at {url}: {problem}"
        if os.environ.get("SEGBOT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (SEGBOT_REQUIRE_SERVICES=1 makes this a failure)")
        pytest.skip(reason)
    return url


def fresh_queue_name() -> str:
    """A queue of one test's own (other test runs on this machine share the brokers)."""
    return f"segbot-test-{uuid.uuid4().hex[:10]}"


def unreachable(url: str) -> str | None:
    """Why the broker at `url` cannot be used, or None when it answers."""
    try:
        if url.startswith("redis"):
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        else:
            pika.BlockingConnection(pika.URLParameters(url + "?connection_attempts=1&socket_timeout=2")).close()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def drop_queue(url: str, name: str) -> None:
    """Delete the queue `name` with its delay and dead-letter queues (Dramatiq's `.DQ` and `.XQ`)."""
    if url.startswith("redis"):
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"dramatiq:{name}*"))
        if keys:
            client.delete(*keys)
        return
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for queue in (name, f"{name}.DQ", f"{name}.XQ"):
        channel.queue_delete(queue)
    connection.close()


def dead_lettered(url: str, name: str) -> int:
    """How many messages sit in the dead-letter queue of `name`."""
    if url.startswith("redis"):
        return int(redis.Redis.from_url(url).zcard(f"dramatiq:{name}.XQ"))
    connection = pika.BlockingConnection(pika.URLParameters(url))
    count = connection.channel().queue_declare(f"{name}.XQ", passive=True).method.message_count
    connection.close()
    return int(count)
