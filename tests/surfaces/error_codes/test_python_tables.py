"""Reading error tables from Python source: every shape, merged by code, with lines."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from classifier.surfaces.error_codes.literals import Unknown
from classifier.surfaces.error_codes.model import ErrorTable
from classifier.surfaces.error_codes.python import read_table


def read(source: str, names: tuple[str, ...] = (), registry: tuple[str, ...] = ()) -> ErrorTable:
    return read_table(textwrap.dedent(source).lstrip("\n"), names, registry)


def values(table: ErrorTable) -> dict[str, dict[str, Any]]:
    return {code: {name: f.value for name, f in record.fields.items()} for code, record in table.records.items()}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('ERRORS = {"NOT_FOUND": 404, "GONE": 410}', {"NOT_FOUND": {"status": 404}, "GONE": {"status": 410}},
                     id="dict-code-to-status"),
        pytest.param('ERRORS = {"NOT_FOUND": (404, "Not found")}', {"NOT_FOUND": {"status": 404, "message": "Not found"}},
                     id="dict-code-to-tuple"),
        pytest.param('ERRORS = {"NOT_FOUND": ErrorSpec(status=404, message="Not found", exception=NotFound)}',
                     {"NOT_FOUND": {"status": 404, "message": "Not found", "exception": "NotFound"}}, id="dict-code-to-spec-call"),
        pytest.param('ERRORS = {"NOT_FOUND": ErrorSpec(404, "Not found")}', {"NOT_FOUND": {"status": 404, "message": "Not found"}},
                     id="spec-call-positional"),
        pytest.param('ERRORS = {"NOT_FOUND": (404, errors.NotFound)}', {"NOT_FOUND": {"status": 404, "exception": "NotFound"}},
                     id="dict-code-to-exception-class"),
        pytest.param('from http import HTTPStatus\nERRORS = {"A": HTTPStatus.CONFLICT, "B": status.HTTP_429_TOO_MANY_REQUESTS}',
                     {"A": {"status": 409}, "B": {"status": 429}}, id="http-status-spellings"),
        pytest.param('GONE = 410\nERRORS = {"GONE": GONE}', {"GONE": {"status": 410}}, id="module-level-literal-name"),
        pytest.param("ERRORS = {1001: 404}", {"1001": {"status": 404}}, id="numeric-code"),
    ],
)
def test_dict_tables(source: str, expected: dict[str, dict[str, Any]]) -> None:
    assert values(read(source)) == expected


def test_enum_and_companion_dicts_merge_by_code_with_each_fields_line() -> None:
    table = read('''
        import enum

        class ErrorCode(enum.StrEnum):
            NOT_FOUND = "not_found"
            RATE = enum.auto()

        STATUS = {ErrorCode.NOT_FOUND: 404, "rate": 429}
        MESSAGES = {ErrorCode.NOT_FOUND: "Not found"}
    ''')
    assert values(table) == {
        "NOT_FOUND": {"value": "not_found", "status": 404, "message": "Not found"},
        "RATE": {"value": "rate", "status": 429},
    }
    fields = table.records["NOT_FOUND"].fields
    assert (table.records["NOT_FOUND"].line, fields["status"].line, fields["message"].line) == (4, 7, 8)
    assert table.tables == ("ErrorCode (enum, 2 codes, line 3)", "STATUS (dict, 2 codes, line 7)", "MESSAGES (dict, 1 code, line 8)")


def test_int_enum_auto_counts_from_the_previous_value() -> None:
    table = read('''
        from enum import IntEnum, auto
        class Code(IntEnum):
            A = 1001
            B = auto()
            C = auto()
    ''')
    assert values(table) == {"A": {"value": 1001}, "B": {"value": 1002}, "C": {"value": 1003}}


def test_exception_hierarchy_inherits_status_and_message_within_the_file() -> None:
    table = read('''
        class AppError(Exception):
            status_code = 500
            message = "Internal error"

        class NotFoundError(AppError):
            http_status = 404

        class ProofNotFound(NotFoundError):
            """No proof with this id."""
            code = "PROOF_NOT_FOUND"
            message = "Proof not found"

        class Unrelated:
            code = "NOT_AN_ERROR"
    ''')
    assert values(table)["PROOF_NOT_FOUND"] == {
        "exception": "ProofNotFound", "docstring": "No proof with this id.", "status": 404, "message": "Proof not found",
    }
    assert table.records["PROOF_NOT_FOUND"].fields["status"].line == 6
    assert "NOT_AN_ERROR" not in table.records


def test_a_named_exception_class_selects_its_subclasses() -> None:
    source = '''
        class AuthError(Exception):
            status_code = 401
        class TokenExpired(AuthError):
            code = "TOKEN_EXPIRED"
        class ProofError(Exception):
            status_code = 404
        class ProofNotFound(ProofError):
            code = "PROOF_NOT_FOUND"
    '''
    assert set(read(source, names=("AuthError",)).records) == {"AuthError", "TOKEN_EXPIRED"}


def test_registry_calls_by_plain_or_dotted_name() -> None:
    table = read('''
        from app import errors
        errors.register("PROOF_NOT_FOUND", 404, message="Proof not found")
        def install():
            register(code="RATE_LIMITED", status=429)
            other.call(code="IGNORED", status=400)
    ''', registry=("register",))
    assert values(table) == {
        "PROOF_NOT_FOUND": {"status": 404, "message": "Proof not found"},
        "RATE_LIMITED": {"status": 429},
    }
    assert read("errors.register('A', 400)\nregister('B', 401)", registry=("errors.register",)).records.keys() == {"A"}


def test_values_that_are_not_literals_are_unknown_with_their_source() -> None:
    table = read('''
        from app.settings import GONE
        ERRORS = {"GONE": GONE, "LATER": compute_status()}
        register(code=make_code(), status=400)
    ''', registry=("register",))
    assert values(table) == {"GONE": {"status": Unknown("GONE")}, "LATER": {"status": Unknown("compute_status()")}}
    assert [(p.kind, p.line, p.detail) for p in table.problems] == [
        ("not-static", 3, "register() is not statically known (`make_code()`)"),
    ]


def test_duplicate_code_in_one_table_is_a_problem_and_the_later_entry_wins() -> None:
    table = read('ERRORS = {\n    "A": 400,\n    "B": 404,\n    "A": 409,\n}\n')
    assert values(table)["A"] == {"status": 409}
    assert [(p.kind, p.line, p.detail) for p in table.problems] == [
        ("duplicated", 4, "A appears twice in ERRORS (line 2 and line 4)"),
    ]


def test_enum_member_repeating_a_value_is_an_alias_problem() -> None:
    table = read("import enum\nclass Code(enum.Enum):\n    A = 'x'\n    B = 'x'\n")
    assert [p.detail for p in table.problems] == ["B repeats the value of an earlier member (an alias) in Code (line 3 and line 4)"]


def test_syntax_error_is_a_problem_with_line_and_column() -> None:
    table = read('ERRORS = {\n    "A": 400,,\n}\n')
    assert table.records == {}
    (problem,) = table.problems
    assert (problem.kind, problem.line) == ("unreadable", 2)
    assert problem.detail.startswith("syntax error at line 2, column ")


def test_configured_names_narrow_and_report_what_is_missing() -> None:
    table = read('A = {"X": 400}\nB = {"Y": 401}\n', names=("B", "C"))
    assert (set(table.records), table.missing) == ({"Y"}, ("C",))


def test_dicts_that_are_not_code_tables_are_ignored_without_a_name() -> None:
    assert read('HEADERS = {make(): "x"}\nLIMITS = {"a": 1}\n').tables == ("LIMITS (dict, 1 code, line 2)",)


@pytest.mark.parametrize(
    ("initializer", "expected"),
    [
        pytest.param(
            "def __init__(self, code, status, message):\n"
            "    self.code = code\n    self.http_status = status\n    self.message = message\n",
            {"value": "proof_not_found", "status": 404, "message": "Proof not found"}, id="init-stores-attributes"),
        pytest.param(
            "def __new__(cls, code, http_status, detail):\n"
            "    member = object.__new__(cls)\n    member._value_ = code\n    member.status = http_status\n"
            "    member.detail = detail\n    return member\n",
            {"value": "proof_not_found", "status": 404, "message": "Proof not found"}, id="new-sets-value"),
        pytest.param(
            "def __init__(self, slug, status_code, text):\n    self.slug = slug\n    self.status_code = status_code\n",
            {"value": ("proof_not_found", "Proof not found"), "status": 404}, id="unrecognised-parts-stay-the-value"),
    ],
)
def test_enum_tuple_members_split_by_their_initializer(initializer: str, expected: dict[str, Any]) -> None:
    body = textwrap.indent(initializer, "    ")
    table = read(f'import enum\nclass ErrorCode(enum.Enum):\n{body}\n    PROOF_NOT_FOUND = ("proof_not_found", 404, "Proof not found")\n')
    assert values(table) == {"PROOF_NOT_FOUND": expected}


def test_enum_tuple_split_by_a_mixin_base_initializer_and_kept_whole_without_one() -> None:
    table = read('''
        import enum
        class ErrorInfo:
            def __init__(self, status: int, message: str) -> None:
                self.status = status
                self.message = message
        class ErrorCode(ErrorInfo, enum.Enum):
            PROOF_NOT_FOUND = (404, "Proof not found")
        class Pair(enum.Enum):
            A = (1, "one")
    ''')
    assert values(table) == {
        "PROOF_NOT_FOUND": {"status": 404, "message": "Proof not found"},
        "A": {"value": (1, "one")},
    }
    assert table.records["PROOF_NOT_FOUND"].fields["status"].line == 7


def test_enum_tuple_part_that_is_not_literal_is_not_static_alone() -> None:
    table = read('''
        import enum
        class ErrorCode(enum.Enum):
            def __init__(self, status, message):
                self.status = status
                self.message = message
            GONE = (410, messages.GONE)
    ''')
    assert values(table) == {"GONE": {"status": 410, "message": Unknown("messages.GONE")}}


def test_enum_tuple_with_a_starred_part_stays_one_unknown_value() -> None:
    table = read('''
        import enum
        class ErrorCode(enum.Enum):
            def __init__(self, status, message):
                self.status = status
                self.message = message
            GONE = (*DEFAULTS, "Gone")
    ''')
    assert values(table) == {"GONE": {"value": Unknown('(*DEFAULTS, "Gone")')}}
