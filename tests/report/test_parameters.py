"""check_parameters: notebook parameters converted to the types their notebook declares, ranges and choices checked."""

from __future__ import annotations

import pytest

from analysis.errors import InputError
from analysis.report.checks import RULES, check_parameters, check_value, declared_types, notebook_file
from analysis.report.notebooks import notebook_paths
from analysis.report.parameters import notebook_parameters


def error_of(name, value, annotation):
    with pytest.raises(InputError) as caught:
        check_value(name, value, annotation=annotation, source="nb")
    message = str(caught.value)
    assert "\n" not in message
    return message


class TestTypes:
    @pytest.mark.parametrize("value, annotation, expected", [
        (5, "int", 5), ("5", "int", 5), (" 7 ", "int", 7), (0.25, "float", 0.25), (1, "float", 1.0),
        ("0.5", "float", 0.5), ("W", "str", "W"), (2022, "str", "2022"), (True, "bool", True),
        ("false", "bool", False), (None, "str | None", None), ("x", "str | None", "x"),
        (None, "Optional[int]", None), ("3", "None | int", 3), ({"a": 1}, None, {"a": 1}),
    ])
    def test_converts_what_reads_one_way(self, value, annotation, expected):
        assert check_value("x", value, annotation=annotation) == expected

    @pytest.mark.parametrize("value, annotation, expected", [
        ("abc", "int", "a whole number"), (2.5, "int", "a whole number"), (True, "int", "a whole number"),
        ("", "int", "a whole number"), ("abc", "float", "a number"), (float("nan"), "float", "a number"),
        (None, "str", "text"), (["a"], "str", "text"), ("maybe", "bool", "true or false"),
    ])
    def test_refuses_what_does_not_fit(self, value, annotation, expected):
        message = error_of("x", value, annotation)
        assert message.startswith("nb: parameter 'x': expected " + expected), message
        assert repr(value) in message


class TestLists:
    @pytest.mark.parametrize("value, expected", [
        ("putin", ["putin"]), ("putin,biden", ["putin", "biden"]), (" putin , biden ,", ["putin", "biden"]),
        ("[putin, biden]", ["putin", "biden"]), ("['a b', c]", ["a b", "c"]), ("", []), ("[]", []),
        (["putin"], ["putin"]), (("a", "b"), ["a", "b"]), ("[1, 2]", ["1", "2"]),
    ])
    def test_list_of_text_from_yaml_or_commas(self, value, expected):
        assert check_value("actors", value, annotation="list[str]") == expected
        assert check_value("actors", value, annotation="list") == expected

    def test_a_string_is_never_read_letter_by_letter(self):
        assert check_value("actors", "putin", annotation="list[str]") != list("putin")

    @pytest.mark.parametrize("value", ["[putin, [biden]]", "[unclosed", 5, {"a": 1}, ["a", None]])
    def test_refuses_what_is_no_list_of_text(self, value):
        assert "expected a list of text" in error_of("actors", value, "list[str]")

    def test_list_of_numbers(self):
        assert check_value("ns", "1, 2", annotation="list[int]") == [1, 2]
        assert "a list of a whole number" in error_of("ns", "[1, x]", "list[int]")


class TestRules:
    @pytest.mark.parametrize("name, annotation, value, expected", [
        ("period", "str", "Q5", "expected one of D, W, M, got 'Q5'"),
        ("trend_freq", "str", "Y", "expected one of D, W, M"),
        ("method", "str", "magic", "expected one of default, learned"),
        ("sample", "int", -5, "expected a whole number ≥ 0, got -5"),
        ("top_n", "int", 0, "expected a whole number ≥ 1, got 0"),
        ("top_n", "int", "abc", "expected a whole number ≥ 1, got 'abc'"),
        ("ngram_max", "int", 4, "expected a whole number from 1 to 3"),
        ("neutral_band", "float", 1.5, "expected a number from 0 to 1"),
    ])
    def test_ranges_and_choices(self, name, annotation, value, expected):
        message = error_of(name, value, annotation)
        assert f"parameter {name!r}" in message and expected in message, message

    def test_allowed_values_pass(self):
        assert check_value("period", "M", annotation="str") == "M"
        assert check_value("sample", 0, annotation="int") == 0
        assert check_value("neutral_band", "0.1", annotation="float") == 0.1

    def test_methods_are_the_sentiment_methods(self):
        from analysis.sentiment.target import METHODS

        assert set(RULES["method"].choices) == {"default", *METHODS}


class TestNotebooks:
    def test_reads_types_from_the_parameters_cell(self):
        types = declared_types(notebook_file("40-actor-profile"))
        assert types["top_n"] == "int" and types["actor"] == "str" and types["period"] == "str"

    @pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
    def test_every_parameter_is_typed_and_its_default_passes(self, path):
        types, defaults = declared_types(path), notebook_parameters(path)
        assert set(types) == set(defaults) and None not in types.values(), types
        assert check_parameters(defaults, notebook=path.stem) == defaults

    @pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
    def test_first_code_cell_after_the_parameters_checks_them(self, path):
        import nbformat

        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert "parameters" in cells[0].metadata.get("tags", [])
        assert f'check_parameters(globals(), notebook="{path.stem}")' in cells[1].source

    def test_error_names_notebook_parameter_and_value(self):
        with pytest.raises(InputError, match=r"^40-actor-profile: parameter 'top_n': expected .*, got 'abc'$"):
            check_parameters({"actor": "putin", "top_n": "abc"}, notebook="40-actor-profile")

    def test_only_declared_names_present_are_returned(self):
        assert check_parameters({"actors": "putin", "other": 1}, notebook="00-corpus-overview") == {"actors": ["putin"]}
