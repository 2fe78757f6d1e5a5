"""The tables of document types and issuer codes: each row is read wherever its flags say, and not elsewhere.

These tests iterate over the tables, so a new row is tested by adding it.
"""

from __future__ import annotations

import pytest

from documents.identity import find_mentions, parse_identity, ref_matches
from documents.identity.casing import sentence_case
from documents.identity.codes import (
    DOC_TYPES,
    ISSUERS,
    DocType,
    Issuer,
    Seen,
    canonical_code,
    code_key,
    types_with_code,
)
from documents.identity.filenames import from_filename
from documents.text import fold


def _id(row: DocType) -> str:
    return row.name


def _mentioned(question: str) -> list[tuple[str, str | None, str | None]]:
    return [(r.number, r.type_code, r.issuer_code) for r in find_mentions(question)]


def _ref_type(row: DocType) -> str | None:
    return row.code if row.coded else None


def test_codes_and_names_are_unique() -> None:
    names = [fold(name) for row in DOC_TYPES for name in row.names]
    assert len(names) == len(set(names))
    chinese = [name for row in DOC_TYPES for name in row.chinese]
    assert len(chinese) == len(set(chinese))
    assert len({i.key for i in ISSUERS}) == len(ISSUERS)
    for row in DOC_TYPES:  # a shared code: one default (the first row), at most one Party reading
        shared = types_with_code(row.code)
        assert shared[0].code == row.code and sum(r.party for r in shared) <= 1


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_codes_get_their_spelling_back(row: DocType) -> None:
    assert canonical_code(row.key.lower()) == row.code
    assert code_key(row.code) == row.key and row.key.isascii()


def _title_rows() -> list[object]:
    """Every row; "CHƯƠNG TRÌNH" is taken for a chapter heading ("CHƯƠNG I") before it can be a title line."""
    known = pytest.mark.xfail(strict=True, reason="the stop line CHƯƠNG\\s (chapter) comes first")
    return [pytest.param(row, id=row.name, marks=known if row.code == "CTr" else ()) for row in DOC_TYPES]


@pytest.mark.parametrize("row", _title_rows())
def test_title_line(row: DocType) -> None:
    for name in row.names:
        identity = parse_identity(f"{name.upper()}\nVỀ VIỆC THỬ NGHIỆM\n\nThực hiện chỉ đạo.", "x.txt")
        if Seen.TITLE in row.seen:
            assert identity.doc_type == row.name, name
        else:  # not this type (a longer name may be read as the type it starts with: THÔNG TƯ liên tịch)
            assert identity.doc_type != row.name, name


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_self_mention_in_first_sentence(row: DocType) -> None:
    text = f"Bộ Chính trị đã ký {row.name} số 12-NQ/TW ngày 5/3/2025 của Bộ Chính trị về việc thử nghiệm.\n"
    identity = parse_identity(text, "x.txt")
    assert identity.number == ("12-NQ/TW" if Seen.TITLE in row.seen else None)


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_file_names(row: DocType) -> None:
    for name in row.names:
        prefix = fold(name).replace(" ", "_")
        for filename in (f"{prefix}__abc.txt", f"{prefix.replace('_', '-')}-abc.txt"):
            number, hint = from_filename(filename)
            assert number is None
            if Seen.FILE in row.seen:
                assert hint == row.code, filename
            else:  # not this type (a longer name may be read as the type it starts with: thong_tu_lien_tich)
                assert hint not in (row.code, row.key), filename
    number, hint = from_filename(f"57-{row.key.lower()}-ubnd.txt")
    if Seen.NUMBER in row.seen and row.coded:
        assert (number, hint) == (f"57/{row.code}-UBND", row.code)
    else:
        assert number is None


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_sole_issuer_completes_a_bare_file_number(row: DocType) -> None:
    if Seen.FILE not in row.seen:
        return
    number, _ = from_filename(f"{fold(row.name).replace(' ', '_')}__296-2025.txt")
    assert number == (f"296/2025/{row.code}-{row.issuer}" if row.issuer else None)


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_questions_by_name(row: DocType) -> None:
    for name in row.names:
        for written in (name, name.lower(), fold(name)):
            expected = [("57", _ref_type(row), None)] if Seen.ASKED in row.seen else []
            assert _mentioned(f"theo {written} số 57 thì sao") == expected, written


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_questions_by_abbreviation(row: DocType) -> None:
    for written in (row.code, row.key.lower()):
        expected = [("57", _ref_type(row), None)] if Seen.ABBREVIATED in row.seen else []
        assert _mentioned(f"{written} 57 nói gì") == expected, written


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_questions_with_full_numbers(row: DocType) -> None:
    for written in (f"57/{row.code}-UBND", f"57-{row.key.lower()}-ubnd", f"57/2025/{row.code}-UBND"):
        expected = [("57", _ref_type(row), "UBND")] if Seen.NUMBER in row.seen else []
        assert _mentioned(written) == expected, written


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_questions_in_chinese(row: DocType) -> None:
    for name in row.chinese:
        assert _mentioned(f"第57号{name}的内容") == [("57", row.code, None)]
        assert _mentioned(f"{name}第5号") == [("5", row.code, None)]


@pytest.mark.parametrize("row", DOC_TYPES, ids=_id)
def test_cited_type_capitalised_in_titles(row: DocType) -> None:
    cased = sentence_case(f"VỀ VIỆC THỰC HIỆN {row.name.upper()} SỐ 57-NQ/TW")
    if Seen.CITED in row.seen:
        assert cased.endswith(f" {row.name} số 57-NQ/TW"), cased
    else:
        assert f" {row.name} số 57" not in cased, cased


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda i: i.code)
def test_issuer_codes(issuer: Issuer) -> None:
    assert canonical_code(issuer.key.lower()) == issuer.code


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda i: i.code)
def test_issuer_numbers_round_trip(issuer: Issuer) -> None:
    number = f"57-NQ/{issuer.code}" if issuer.party else f"57/NQ-{issuer.code}"
    identity = parse_identity("Nội dung không có tiêu đề.", f"57-NQ-{issuer.key}.txt")
    assert (identity.number, identity.doc_type, identity.issuer) == (number, "Nghị quyết", issuer.name)
    for written in (number, fold(number)):
        assert _mentioned(written) == [("57", "NQ", issuer.code)], written
        assert ref_matches(find_mentions(written)[0], identity)


@pytest.mark.parametrize("issuer", [i for i in ISSUERS if i.legislature], ids=lambda i: i.code)
def test_legislature_numbers_have_no_type(issuer: Issuer) -> None:
    written = f"60/2024/{issuer.code}15"
    assert _mentioned(written) == [("60", None, f"{issuer.code}15")]
    identity = parse_identity(f"Luật số: {written}\n", "x.txt")
    assert identity.number == written and identity.issuer == issuer.name


@pytest.mark.parametrize("issuer", [i for i in ISSUERS if i.name.startswith("Bộ ")], ids=lambda i: i.code)
def test_ministry_names_capitalised(issuer: Issuer) -> None:
    assert sentence_case(f"VỀ VIỆC {issuer.name.upper()} CHỦ TRÌ") == f"về việc {issuer.name} chủ trì"
