"""The import kinds as data (resources/excel/import-kinds.toml): each kind's fields, their types and header synonyms."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.common.messages import Msg

KINDS_PATH = Path(__file__).resolve().parents[2] / "resources" / "excel" / "import-kinds.toml"
FIELD_TYPES = ("text", "id_number", "date", "month", "integer", "number", "choice")
KIND_SCOPES = ("unit", "file", "year")


@dataclass(frozen=True)
class FieldSpec:
    id: str
    type: str
    synonyms: tuple[str, ...]  # normalised
    minimum: Any = None
    maximum: Any = None
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def label(self) -> Msg:
        return Msg.of(f"field.{self.id}")


@dataclass(frozen=True)
class KindSpec:
    id: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    unique: tuple[str, ...]
    month_from_sheet_name: bool = False
    scope: str = "unit"  # one of KIND_SCOPES: what importing again replaces (see import-kinds.toml)
    minimum_age: int | None = None  # a person younger on the first of `age_on` (else the period's end) is a problem
    age_on: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def label(self) -> Msg:
        return Msg.of(f"kind.{self.id}")


@dataclass(frozen=True)
class ImportSpec:
    fields: Mapping[str, FieldSpec]
    kinds: Mapping[str, KindSpec]
    header_scan_rows: int
    footer_words: tuple[str, ...]
    earliest_date: dt.date
    latest_after_period_days: int
    synonym_field: Mapping[str, str]  # normalised header -> field id (first field listing it)
    unit_line_words: tuple[str, ...] = ()  # a cell above the header starting with one of these names the unit

    def kind(self, kind_id: str) -> KindSpec:
        try:
            return self.kinds[kind_id]
        except KeyError:
            raise ValueError(f"unknown import kind {kind_id!r}; known: {sorted(self.kinds)}") from None


_TRAILING_NOTE = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]$")
_HEADER_DROP = str.maketrans("", "", " \t\r\n\u00a0\u3000*＊:：")


def normalise_header(text: Any) -> str:
    """Header text as compared with the synonyms: NFKC, no spaces/line breaks/'*'/':', trailing
    '(…)' notes dropped, lower case. Non-text cells give ''."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_HEADER_DROP).lower()
    while True:
        shorter = _TRAILING_NOTE.sub("", text)
        if shorter == text or not shorter:
            return text
        text = shorter


@cache
def import_spec(path: Path = KINDS_PATH) -> ImportSpec:
    """The import kinds; a broken file is a fault of the installation and raises ValueError."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    fields: dict[str, FieldSpec] = {}
    synonym_field: dict[str, str] = {}
    for field_id, spec in data["fields"].items():
        if spec["type"] not in FIELD_TYPES:
            raise ValueError(f"{path.name}: fields.{field_id}.type {spec['type']!r} is not one of {FIELD_TYPES}")
        synonyms = tuple(dict.fromkeys(normalise_header(s) for s in spec["synonyms"]))
        choices = {key: tuple(normalise_header(v) for v in values) for key, values in spec.get("choices", {}).items()}
        fields[field_id] = FieldSpec(field_id, spec["type"], synonyms, spec.get("minimum"), spec.get("maximum"),
                                     MappingProxyType(choices))
        for s in synonyms:
            synonym_field.setdefault(s, field_id)
    kinds: dict[str, KindSpec] = {}
    for kind_id, spec in data["kinds"].items():
        kind = KindSpec(kind_id, tuple(spec["required"]), tuple(spec.get("optional", ())),
                        tuple(spec.get("unique", ())), bool(spec.get("month_from_sheet_name", False)),
                        spec.get("scope", "unit"), spec.get("minimum_age"), tuple(spec.get("age_on", ())))
        if kind.scope not in KIND_SCOPES:
            raise ValueError(f"{path.name}: kinds.{kind_id}.scope {kind.scope!r} is not one of {KIND_SCOPES}")
        unknown = [f for f in kind.fields + kind.unique + kind.age_on if f not in fields]
        if unknown:
            raise ValueError(f"{path.name}: kinds.{kind_id} names unknown fields {unknown}")
        kinds[kind_id] = kind
    layout, bounds = data["layout"], data["bounds"]
    return ImportSpec(MappingProxyType(fields), MappingProxyType(kinds), int(layout["header_scan_rows"]),
                      tuple(layout["footer_words"]), bounds["earliest_date"],
                      int(bounds["latest_after_period_days"]), MappingProxyType(synonym_field),
                      tuple(layout.get("unit_line_words", ())))
