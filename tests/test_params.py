"""The parameters file: every value typed, every value recorded, nothing unknown accepted."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources
from pathlib import Path

import pytest

from bot.params import Params, default_params


def test_the_bundled_file_sets_every_parameter_and_records_how() -> None:
    raw = json.loads(resources.files("bot").joinpath("data/params.json").read_text("utf-8"))
    names = {f.name for f in fields(Params)}
    assert set(raw["values"]) == names
    assert set(raw["record"]) == names
    assert all(len(raw["record"][n]) > 10 for n in names)
    assert default_params() == Params.from_dict(raw["values"])


def test_unknown_parameters_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"values": {"abstain_below": 0.3, "made_up": 1}}), encoding="utf-8")
    with pytest.raises(ValueError, match="made_up"):
        Params.from_file(path)


def test_values_are_typed_and_frozen() -> None:
    p = Params.from_dict({"overview_max_quotes": 5.0, "abstain_below": "0.3"})
    assert p.overview_max_quotes == 5 and isinstance(p.overview_max_quotes, int)
    assert p.abstain_below == 0.3
    with pytest.raises(AttributeError):
        p.abstain_below = 0.5  # type: ignore[misc]


def test_settings_can_point_at_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.engine import settings_params
    from bot.settings import Settings

    path = tmp_path / "p.json"
    path.write_text(json.dumps({"values": {"abstain_below": 0.11}}), encoding="utf-8")
    monkeypatch.setenv("BOT_PARAMS", str(path))
    assert settings_params(Settings()).abstain_below == 0.11
    monkeypatch.setenv("BOT_ABSTAIN_BELOW", "0.22")
    assert settings_params(Settings()).abstain_below == 0.22
    monkeypatch.setenv("BOT_PARAMS", "")
    monkeypatch.delenv("BOT_ABSTAIN_BELOW")
    assert settings_params(Settings()) == default_params()
