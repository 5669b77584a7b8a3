"""Frame dictionaries (analysis.framing.dictionaries): the built-in schemes, terms, validation errors."""

from __future__ import annotations

import pytest

from analysis.framing import dictionaries as D
from analysis.errors import InputError


class TestDictionaries:
    @pytest.mark.parametrize("scheme,n_frames", [("generic", 5), ("policy", 14)])
    def test_builtin_schemes_load(self, scheme, n_frames):
        frames = D.load_frames(scheme)
        assert frames.scheme == scheme and len(frames.frames) == n_frames
        assert all(len(f.terms) >= 30 for f in frames.frames)
        assert all(f.description for f in frames.frames)
        assert frames.citation

    def test_generic_frames_are_semetko_valkenburg(self):
        frames = D.load_frames("generic")
        assert frames.names == ["conflict", "responsibility", "economic", "human_interest", "morality"]
        assert all(group.question for frame in frames.frames for group in frame.groups)

    def test_policy_frames_are_the_codebook_dimensions(self):
        assert D.load_frames("policy").names == [
            "economic", "capacity_resources", "morality", "fairness_equality", "legality", "policy_prescription",
            "crime_punishment", "security_defense", "health_safety", "quality_of_life", "cultural_identity",
            "public_opinion", "political", "external_regulation"]

    @pytest.mark.parametrize("raw,canonical", [
        ("War", "war"), ("attack*", "attack*"), ("shouldn't", "should n't"), ("cease-fire", "cease-fire"),
        ("rule  of law", "rule of law"), ("Russia’s", "russia 's"), ("human right*", "human right*")])
    def test_terms_are_tokenised_like_text(self, raw, canonical):
        assert D.canonical_term(raw) == canonical

    def test_readme_lists_every_frame(self):
        readme = (D.FRAMES_DIR / "README.md").read_text(encoding="utf-8")
        for scheme in D.SCHEMES:
            for frame in D.load_frames(scheme).frames:
                assert f"`{frame.name}`" in readme, (scheme, frame.name)

    def test_user_file_loads(self, tmp_path):
        path = tmp_path / "mine.yaml"
        path.write_text("frames:\n  threat:\n    terms: [threat*, danger]\n", encoding="utf-8")
        frames = D.load_frames(str(path))
        assert frames.scheme == "mine" and frames["threat"].terms == ("threat*", "danger")
        assert frames["threat"].label == "Threat"


class TestMalformedDictionaries:
    @pytest.mark.parametrize("text,line,field,fragment", [
        ("scheme: x\nfrmes: {}\n", 2, "frmes", "top-level key"),
        ("frames:\n  a:\n    terms: [x]\n    lable: A\n", 4, "lable", "frame key"),
        ("frames:\n  a:\n    terms:\n      - war\n      - ''\n", 5, "frames.a.terms", "non-empty term"),
        ("frames:\n  a:\n    terms: [war, at*ack]\n", 3, "frames.a.terms", "'*' only at the end"),
        ("frames:\n  a:\n    terms: [war, '*']\n", 3, "frames.a.terms", "'*' only at the end"),
        ("frames:\n  a:\n    terms: [ab*]\n", 3, "frames.a.terms", "at least 3"),
        ("frames:\n  a:\n    terms: [war]\n  b:\n    terms: [x]\n  a:\n    terms: [y]\n", 6, "frames",
         "first defined on line 2"),
        ("frames:\n  a:\n    terms:\n      - war\n      - peace\n      - War\n", 6, "frames.a.terms",
         "already listed on line 4"),
        ("frames:\n  a:\n    groups:\n      - question: q\n        terms: [war]\n      - terms: [war]\n", 6,
         "frames.a.terms", "already listed on line 5"),
        ("frames:\n  none:\n    terms: [x]\n", 2, "frames", "other than 'none'"),
        ("frames:\n  a:\n    label: A\n", 2, "frames.a", "'terms' list or 'groups'"),
        ("frames:\n  a:\n    terms: war\n", 3, "frames.a.terms", "non-empty list"),
        ("frames:\n  a:\n    groups:\n      - question: q\n        term: [x]\n", 5, "term", "group key"),
        ("frames: [\n", 2, "yaml", "valid YAML"),
        ("scheme: x\n", 1, "frames", "'frames' mapping"),
    ])
    def test_each_error_names_its_line(self, text, line, field, fragment):
        with pytest.raises(InputError) as caught:
            D.parse_frames(text, source="bad.yaml")
        problem = caught.value.problem
        assert (problem.source, problem.line, problem.field) == ("bad.yaml", line, field)
        assert fragment in str(caught.value)

    def test_missing_file_and_unknown_scheme(self, tmp_path):
        with pytest.raises(InputError, match="generic, policy or the path"):
            D.load_frames("generc")
        with pytest.raises(InputError, match="generic, policy or the path"):
            D.load_frames(str(tmp_path / "none.yaml"))
