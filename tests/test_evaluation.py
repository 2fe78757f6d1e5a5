"""``nqbot eval``: retrieval quality on a labelled legal set, computed as defined, on a small set written for
these tests in the ALQAC and LTER formats (articles of two laws kept in ``tests/data/legal``; the competition
sets themselves stay outside the repository)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index.evaluation import Question, load_alqac, load_lter, metrics, passage_articles
from tests.test_cli import cli_env  # noqa: F401  (fixture)

EVAL = Path(__file__).parent / "data" / "eval"


def test_metrics_follow_their_definitions() -> None:
    law = "Luật Dữ liệu"
    questions = [Question("a", frozenset({(law, "13")})), Question("b", frozenset({(law, "29"), (law, "45")})),
                 Question("c", frozenset({(law, "1")}))]
    ranked = [[(law, "13"), (law, "3")],                       # right first
              [(law, "3"), (law, "45")] + [(law, str(n)) for n in range(50, 58)] + [(law, "29")],  # 2nd; 29 at 11
              [(law, str(n)) for n in range(60, 70)]]           # missed
    result = metrics(ranked, questions)
    assert result["Acc@1"] == pytest.approx(1 / 3)
    assert result["Recall@5"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert result["Recall@10"] == pytest.approx((1 + 0.5 + 0) / 3)  # the 11th is not in the top 10
    assert result["MRR@10"] == pytest.approx((1 + 1 / 2 + 0) / 3)


def test_a_passage_of_several_short_articles_counts_for_each() -> None:
    """Short articles share a passage ("Điều 29–45" in a law of which only some articles were kept): the
    passage is a hit for each of them, not only for the first (it was, before)."""
    order = ["1", "3", "10", "29", "45"]
    assert passage_articles("Điều 29–45", order) == ["29", "45"]
    assert passage_articles("Điều 3, khoản 7–13", order) == ["3"]
    assert passage_articles("Điều 10", order) == ["10"]
    assert passage_articles("Phần mở đầu", order) == []


def test_the_small_sets_load_in_both_formats() -> None:
    laws, questions = load_alqac(EVAL / "law.json", EVAL / "train.json")
    assert [law.law_id for law in laws] == ["Luật Dữ liệu", "Luật Cán bộ, công chức"]
    articles = {(law.law_id, article) for law in laws for article, _ in law.articles}
    assert len(questions) == 6 and all(q.gold <= articles for q in questions)
    _, statements = load_lter(EVAL / "law.json", EVAL / "lter_train.json")
    assert len(statements) == 4 and all(s.gold <= articles for s in statements)


def test_nqbot_eval_finds_the_articles_and_keeps_its_index(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    index = tmp_path / "eval-index"
    assert main(["--data-dir", str(cli_env), "eval", "alqac", str(EVAL), "--json", "--index-dir", str(index)]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(first) == {"keyword", "dense", "hybrid"}
    assert first["hybrid"]["Recall@5"] == 1.0 and first["hybrid"]["Acc@1"] >= 5 / 6, first
    assert (index / "catalog.sqlite3").exists()
    # again on the kept index: nothing ingested again, the same figures
    assert main(["--data-dir", str(cli_env), "eval", "alqac", str(EVAL), "--json", "--index-dir", str(index)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == first
    lter = [str(EVAL / "law.json"), str(EVAL / "lter_train.json")]
    assert main(["--data-dir", str(cli_env), "eval", "lter", *lter]) == 0
    table = capsys.readouterr().out
    assert [line.split()[0] for line in table.splitlines()[-3:]] == ["keyword", "dense", "hybrid"]
