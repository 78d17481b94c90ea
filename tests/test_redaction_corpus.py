"""The redaction corpus (tests/redaction_corpus): every secret caught, every look-alike untouched."""

from __future__ import annotations

import json

import pytest

from shared.redaction import redact, redact_obj
from tests import redaction_corpus as corpus


def test_the_corpus_is_as_big_as_the_issue_asks():
    assert len(corpus.SECRET_LINES) >= 150 and len(corpus.LOOKALIKES) >= 60
    assert {c.where for c in corpus.SECRET_LINES} >= {"log", "env", "args", "yaml", "json", "url", "header"}


@pytest.mark.parametrize("case", corpus.SECRET_LINES,
                         ids=[f"{c.kind or 'secret'} in {c.where}: {c.line[:40]}" for c in corpus.SECRET_LINES])
def test_a_secret_line_loses_its_secret(case):
    out = redact(case.line)
    assert not [s for s in case.secrets if s in out], out
    assert corpus.MARKER in out
    if case.kind:
        assert f"[REDACTED:{case.kind}]" in out, out


@pytest.mark.parametrize(("what", "line"), corpus.LOOKALIKES,
                         ids=[f"{w} stays: {line[:40]}" for w, line in corpus.LOOKALIKES])
def test_a_lookalike_is_untouched(what, line):
    assert redact(line) == line


@pytest.mark.parametrize("case", corpus.SECRET_OBJECTS, ids=[c.what for c in corpus.SECRET_OBJECTS])
def test_an_object_loses_its_secrets_and_keeps_its_facts(case):
    text = json.dumps(redact_obj(json.loads(json.dumps(case.obj))))
    assert not [s for s in case.secrets if s in text], text
    assert not [k for k in case.kept if k not in text], text


@pytest.mark.parametrize(("what", "obj"), corpus.LOOKALIKE_OBJECTS, ids=[w for w, _ in corpus.LOOKALIKE_OBJECTS])
def test_an_object_without_secrets_is_untouched(what, obj):
    assert redact_obj(json.loads(json.dumps(obj))) == obj


def test_the_whole_corpus_scores_full_recall_and_no_damage():
    s = corpus.score(redact, redact_obj)
    assert (s["recall"], s["lookalikes_untouched"]) == (1.0, 1.0), (s["missed"], s["damaged"])
