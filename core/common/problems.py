"""Problems found in user input, returned as values so one run reports all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.common.messages import Msg, render


@dataclass(frozen=True)
class Problem:
    """One problem with the input: its source, where in it, the field, and what is wrong."""
    source: str  # file name or other origin
    location: str  # JSON path, or "sheet!row"
    field: str  # the key or column concerned ("" when the whole record is meant)
    message: Msg

    def text(self) -> str:
        words = place_words(self.location, self.field)
        if words is not None:  # a spreadsheet's row, in the words of the sheet it is on
            said = f"{words}：{render(self.message)}"
            return f"{self.source}：{said}" if self.source else said
        if not self.field:
            where = self.location or ""
        elif self.field.isidentifier():
            where = f"{self.location}.{self.field}"
        else:  # clause ids such as 2.1 contain dots
            where = f'{self.location}["{self.field}"]'

        # the full-width colon of every other line a user reads
        return f"{self.source}：{where}：{render(self.message)}" if where else f"{self.source}：{render(self.message)}"

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "location": self.location, "field": self.field,
                "message": self.message.as_json()}


def place_words(location: str, field: str = "") -> str | None:
    """A spreadsheet location "sheet!row", with its column's header, in a bureau's words
    (花名册 第 5 行“身份证号码”); None for a location of another kind (a path in a JSON document)."""
    sheet, bang, row = location.rpartition("!")
    if not (bang and row.isdigit()):
        return None
    if field:
        return render(Msg.of("problem.place_cell", sheet=sheet, row=int(row), field=field))
    return render(Msg.of("problem.place_row", sheet=sheet, row=int(row)))
