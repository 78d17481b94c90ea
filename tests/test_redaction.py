"""Redaction removes credentials, keeps the facts a diagnosis needs, and stays linear on huge input."""

import random
import string
import time

import pytest

from shared.redaction import MASK, marker, redact, redact_obj

SECRETS = [
    ("postgres://app:hunter2secret@db.prod:5432/app", "hunter2secret"),
    ("redis://:s3cr3tpass@redis:6379/0", "s3cr3tpass"),
    ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456", "abcdefghijklmnopqrstuvwxyz123456"),
    ('{"password": "Tr0ub4dor&3"}', "Tr0ub4dor"),
    ("DB_PASSWORD=correcthorsebattery", "correcthorsebattery"),
    ("api_key: 9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706"),
    ("aws key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("key sk-ant-api03-abcdefghijklmnop", "sk-ant-api03-abcdefghijklmnop"),
    ("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", "XXXXXXXXXXXX"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
]
KEPT = [
    "required key WALLET_SERVICE_URL missing value",
    "environment variable DB_PASSWORD is not set",
    "DB_PASSWORD: required",
    'failed to fetch oauth token: unexpected status: 401 Unauthorized',
    "unauthorized: authentication required",
    "image registry.example.com/shop/api:v2.8.1@sha256:"
    "4f9c2a1b3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
    "pod uid 20656722-1375-4f26-a94a-3058b916ccbd",
    "couldn't find key api-token in Secret payments/stripe",
    "Übergröße: Passwort-Länge İstanbul password=ok",  # lower() changes the length here: still exact
]


@pytest.mark.parametrize(("text", "secret"), SECRETS, ids=[s[1][:12] for s in SECRETS])
def test_credentials_are_masked(text, secret):
    out = redact(text)
    assert secret not in out and MASK in out


@pytest.mark.parametrize("text", KEPT, ids=[t[:40] for t in KEPT])
def test_diagnosis_facts_survive(text):
    assert redact(text) == text


def test_the_marker_keeps_the_kind_and_the_name():
    assert redact("GITHUB_TOKEN=ghp_" + "a1B2" * 9) == "GITHUB_TOKEN=" + marker("github_token")
    assert redact("DB_PASSWORD=letmein") == "DB_PASSWORD=[REDACTED:password]"
    assert redact("Db_Password=LetMeIn9") == "Db_Password=[REDACTED:password]"  # the case of the rest stays


def test_redacting_twice_changes_nothing_more():
    text = "curl -u admin:pw123456 https://x -H 'Authorization: Bearer abcdefghijklmnop' password=hunter2"
    once = redact(text)
    assert redact(once) == once and "pw123456" not in once and "hunter2" not in once


def test_nested_objects_are_redacted_everywhere():
    obj = {"a": ["x", {"b": "password=letmein123"}], "c": ("redis://:pw12345@h:1",)}
    out = redact_obj(obj)
    assert "letmein123" not in str(out) and "pw12345" not in str(out)
    assert obj == {"a": ["x", {"b": "password=letmein123"}], "c": ("redis://:pw12345@h:1",)}  # a copy


def _log_line(size: int, secrets: list[str]) -> str:
    rng = random.Random(7)
    words = ["GET", "/api/v1/orders", "200", "12ms", "user=alice", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
             "key=cache:orders:42", "token", "refresh", "ok", "--port", "8080", "password", "reset", "sent", "{",
             '"level":"info"', "}", "ts=2024-05-01T10:00:00Z", "pod=web-7d4b9c8f6d-x2x9z", "err=nil"]
    parts, length = [], 0
    while length < size:
        w = rng.choice(words) if rng.random() > 0.001 else rng.choice(secrets)
        parts.append(w)
        length += len(w) + 1
    return " ".join(parts)[:size]


def test_a_1mb_log_line_is_redacted_well_under_a_second():
    secrets = ["password=" + "".join(random.Random(1).choices(string.ascii_letters, k=14)),
               "ghp_" + "a1B2" * 9, "Authorization: Bearer " + "z9" * 20, "postgres://u:Sup3rS3cret@db/x"]
    line = _log_line(1_000_000, secrets)
    started = time.process_time()
    out = redact(line)
    spent = time.process_time() - started
    assert spent < 1.0, f"{spent:.2f}s of CPU for 1 MB"
    assert "a1B2a1B2" not in out and "Sup3rS3cret" not in out and "z9z9z9" not in out


PATHOLOGICAL = {
    "repeated separators": "password=" * 110_000,
    "a name then a value that never ends": 'password: "' + "a" * 999_000,
    "flags without values": "--password " * 90_000,
    "a reference that never closes": "password=${" + "a" * 999_000,
    "a private key that never ends": "-----BEGIN PRIVATE KEY-----" * 37_000,
    "an URL that never reaches its host": ("https://" + "a" * 100 + ":") * 9_000,
    "a header with nothing after it": "authorization: " * 60_000,
    "base64 that looks like a key": "LS0tLS1CRUdJTi" + "A" * 999_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_stays_linear(text):
    started = time.process_time()
    redact(text)
    assert time.process_time() - started < 3.0  # catastrophic backtracking takes minutes, not seconds
