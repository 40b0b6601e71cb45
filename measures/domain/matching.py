"""Which entries of a 附件11 cell bind one enterprise (its industry × grade × level, and sub-type).

A cell is a list of entries, each with an optional sub-type label (子类, e.g. "铸造用生铁企业" or
"粉磨站（系统）、矿渣粉、水泥制品等工业企业"). An enterprise's own sub-type selects the entries:

* an entry without a label applies to every enterprise of the cell;
* a labelled entry applies when the enterprise's sub-type equals the label, or — failing any exact
  match in the cell — is part of the label ("粉磨站" in "粉磨站（系统）、矿渣粉…");
* an enterprise without a sub-type, in a cell whose labelled entries all share one label, takes that
  entry: the grade exists only for that sub-type (e.g. 水泥 引领性 is graded for 粉磨站 only);
* otherwise the cell cannot be resolved and the enterprise is flagged for the office to check.

For the single-measure industries (rows 20–22, merged cells) the grade does not matter: an
enterprise without a grade still gets the row's measure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Entry(Protocol):
    subtype: str
    text: str


E = TypeVar("E", bound=Entry)

_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """Compare labels and names without spaces and with full-width brackets and commas."""
    if not text:
        return ""
    return _SPACES.sub("", str(text)).replace("(", "（").replace(")", "）").replace(",", "，")


@dataclass(frozen=True)
class Match(Generic[E]):
    """``status``: "matched" (``entries`` bind the enterprise), "no_grade" (the enterprise has no
    performance grade), "empty_cell" (the plan has "—" for this grade), "subtype" (the sub-type
    does not select an entry; ``problem`` says why)."""

    status: str
    entries: tuple[E, ...] = ()
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "matched"


def subtype_matches(label: str, subtype: str) -> bool:
    """True when the enterprise's sub-type names the entry's label (exactly or as a part of it)."""
    label, subtype = normalise(label), normalise(subtype)
    return bool(label and subtype) and (label == subtype or (len(subtype) >= 2 and subtype in label))


def select_entries(entries: Sequence[E], *, subtype: str, grade: str, single_measure: bool = False) -> Match[E]:
    """The entries of one cell that bind an enterprise (module docstring)."""
    if not grade and not single_measure:
        return Match("no_grade", problem="未评定绩效等级，无法对应附件11的措施，请核实绩效等级")
    if not entries:
        return Match("empty_cell", problem=f"附件11该行业没有「{grade}」等级（预案为“—”），请核实绩效等级")
    general = tuple(e for e in entries if not normalise(e.subtype))
    labelled = [e for e in entries if normalise(e.subtype)]
    if not labelled:
        return Match("matched", general)
    wanted = normalise(subtype)
    if wanted:
        exact = [e for e in labelled if normalise(e.subtype) == wanted]
        chosen = exact or [e for e in labelled if subtype_matches(e.subtype, wanted)]
        labels = {normalise(e.subtype) for e in chosen}
        if len(labels) == 1:
            return Match("matched", general + tuple(chosen))
        if len(labels) > 1:
            return Match(
                "subtype", general, f"子类「{subtype}」同时对应多个子类：{'；'.join(sorted(labels))}，请写明完整子类"
            )
        if general:
            return Match("matched", general)
        names = "；".join(dict.fromkeys(e.subtype for e in labelled))
        return Match("subtype", (), f"子类「{subtype}」不在该格所列子类中（{names}），请核实子类或绩效等级")
    labels = list(dict.fromkeys(normalise(e.subtype) for e in labelled))
    if len(labels) == 1 and not general:
        return Match("matched", tuple(labelled))
    if general and len(labels) >= 1:
        # Unlabelled entries bind everybody; the labelled ones need the sub-type to be known.
        names = "；".join(dict.fromkeys(e.subtype for e in labelled))
        return Match("subtype", general, f"该格还对分子类（{names}）另有规定，请在清单中填写子类")
    names = "；".join(dict.fromkeys(e.subtype for e in labelled))
    return Match("subtype", (), f"该格按子类（{names}）分别规定，请在清单中填写子类")
