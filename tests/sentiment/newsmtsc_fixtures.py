"""A NewsMTSC record and a JSONL writer shared by the reader and evaluation tests."""

from __future__ import annotations

from pathlib import Path

GOOD = {"primary_gid": "g1", "sentence_normalized": "Biden praised Zelensky for his courage.",
        "targets": [{"Input.gid": "g1", "from": 0, "to": 5, "mention": "Biden", "polarity": 4.0},
                    {"Input.gid": "g2", "from": 14, "to": 22, "mention": "Zelensky", "polarity": 6.0}]}


def write_jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
