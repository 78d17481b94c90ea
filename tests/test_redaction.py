"""Redaction removes credentials and keeps the facts a diagnosis needs."""

import pytest

from shared.redaction import MASK, redact, redact_obj

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
]


@pytest.mark.parametrize(("text", "secret"), SECRETS, ids=[s[1][:12] for s in SECRETS])
def test_credentials_are_masked(text, secret):
    out = redact(text)
    assert secret not in out and MASK in out


@pytest.mark.parametrize("text", KEPT, ids=[t[:40] for t in KEPT])
def test_diagnosis_facts_survive(text):
    assert redact(text) == text


def test_nested_objects_are_redacted_everywhere():
    obj = {"a": ["x", {"b": "password=letmein123"}], "c": ("redis://:pw12345@h:1",)}
    out = redact_obj(obj)
    assert "letmein123" not in str(out) and "pw12345" not in str(out)


@pytest.mark.timeout(30)  # a hang guard (catastrophic regex backtracking took minutes), not a benchmark
def test_a_huge_log_line_is_redacted_without_hanging():
    out = redact("x" * 200_000 + " password=s3cr3t-value " + "tokentokentoken" * 5000)
    assert "s3cr3t-value" not in out
