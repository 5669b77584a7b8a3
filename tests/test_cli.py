"""The command line: annotate writes tables; bad input is one clear line and exit code 2."""

from __future__ import annotations

import pandas as pd

from analysis.cli import main
from analysis.paths import PROJ_ROOT


def test_annotate_writes_parquet_and_csv(tmp_path, capsys):
    out = tmp_path / "tables"
    assert main(["annotate", "--corpus", str(PROJ_ROOT / "seeds"), "--out", str(out), "--quiet",
                 "--layers"]) == 0
    for name in ("articles", "sentences", "tokens", "mentions"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    mentions = pd.read_parquet(out / "mentions.parquet")
    assert len(mentions) == 44
    assert "wrote" in capsys.readouterr().out
    # never overwrites what is there without --overwrite
    assert main(["annotate", "--corpus", str(PROJ_ROOT / "seeds"), "--out", str(out), "--quiet"]) == 2
    assert "expected a new or empty folder" in capsys.readouterr().err


def test_bad_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,text\n1,2022-02-31,hello\n")
    assert main(["annotate", "--corpus", str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "line 2, field 'date': expected a date as YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_skip_invalid_reports_each_record(tmp_path, capsys):
    bad = tmp_path / "mixed.csv"
    bad.write_text("id,date,text\n1,2022-02-01,Putin spoke.\n2,nope,x\n")
    assert main(["annotate", "--corpus", str(bad), "--out", str(tmp_path / "o"), "--quiet", "--skip-invalid",
                 "--layers"]) == 0
    assert "skipped: " in capsys.readouterr().err


def test_candidates(capsys):
    assert main(["candidates", "--corpus", str(PROJ_ROOT / "seeds"), "--min-count", "2"]) == 0
    assert capsys.readouterr().out.startswith("candidate,type,gender,count,n_articles,n_outlets,outlets,variants")


def test_tables_are_byte_identical_across_runs(tmp_path):
    for run in ("one", "two"):
        assert main(["annotate", "--corpus", str(PROJ_ROOT / "seeds"), "--out", str(tmp_path / run), "--quiet"]) == 0
    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert "quotes.parquet" in files and "mention_sentiment.csv" in files
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
