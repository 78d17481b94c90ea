"""`make bench` prints the redaction corpus's figures: recall and look-alikes untouched, with their counts."""

from bench import redaction
from bench.__main__ import table


def test_the_bench_table_prints_recall_and_lookalikes_with_counts():
    result = redaction.run()
    results = {"cores": 2, "quick": True, "storm": {"error": "not run", "met": False}, "redaction": result}
    lines = [line for line in table(results).splitlines() if line.startswith("redaction")]
    assert len(lines) == 2
    assert lines[0].split()[4] == "1.0" and lines[0].endswith("met")
    assert f"{result['caught']} of {result['secret_lines'] + result['secret_objects']}" in lines[0]
    assert result["secret_lines"] >= 150 and result["lookalike_lines"] >= 60
    assert "precision 1.0" in lines[1]


def test_a_missed_secret_shows_in_the_bench_as_missed(monkeypatch):
    from tests import redaction_corpus

    monkeypatch.setattr(redaction_corpus, "SECRET_LINES", [*redaction_corpus.SECRET_LINES,
                                                            redaction_corpus.Case(None, "log", "pin=1234 x", ("1234 x",))])
    result = redaction.run()
    assert result["met"] is False and result["missed"] == ["pin=1234 x"]
    assert "MISSED" in result["table"][0]
