"""How the hybrid mixes its two sides (index.retrieval): short questions lean on meaning, long statements on
shared words, and a keyword winner far ahead of its runners-up keeps that lead in the mix."""

from __future__ import annotations

from index.retrieval import adaptive_weight, fuse, share_of_best

# Dense cosines crowd into a narrow band; BM25 scores spread.
DENSE = [(1, 0.93), (2, 0.91), (3, 0.88)]
KEYWORD = [(2, 14.0), (1, 6.0), (3, 5.5)]


def test_short_questions_follow_meaning_and_long_statements_follow_shared_words() -> None:
    short, long = adaptive_weight(6), adaptive_weight(70)
    assert short > 0.5 > long
    assert fuse(DENSE, KEYWORD, dense_weight=short)[0][0] == 1
    assert fuse(DENSE, KEYWORD, dense_weight=long)[0][0] == 2


def test_keyword_scores_keep_how_far_the_runners_up_are_behind() -> None:
    close = share_of_best([(2, 10.0), (1, 9.8), (3, 9.5)])
    far = share_of_best([(2, 10.0), (1, 2.0), (3, 1.0)])
    assert close[3] > 0.9 and far[3] == 0.1
    # An even mix: a near tie on the keyword side is decided by meaning, a clear keyword winner is not.
    assert fuse(DENSE, [(2, 10.0), (1, 9.8), (3, 9.5)], dense_weight=0.5)[0][0] == 1
    assert fuse(DENSE, [(2, 10.0), (1, 2.0), (3, 1.0)], dense_weight=0.5)[0][0] == 2


def test_a_side_without_candidates_leaves_the_other_side_order() -> None:
    assert [c for c, _ in fuse(DENSE, [], dense_weight=0.5)] == [1, 2, 3]
    assert [c for c, _ in fuse([], KEYWORD, dense_weight=0.5)] == [2, 1, 3]
