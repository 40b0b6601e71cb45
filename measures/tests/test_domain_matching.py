"""Choosing the entries of a 附件11 cell for an enterprise's sub-type and grade."""

from __future__ import annotations

from dataclasses import dataclass

from measures.domain.matching import select_entries, subtype_matches


@dataclass(frozen=True)
class E:
    subtype: str
    text: str


FOUNDRY_C = [E("铸件企业", "运输"), E("铸造用生铁企业", "限产 25%")]
CEMENT_LEADING = [E("粉磨站（系统）、矿渣粉、水泥制品等工业企业", "鼓励")]
FURNITURE_I_LEADING = [E("使用粉末涂料家具制造企业", "停产"), E("", "鼓励")]


def test_unlabelled_cell_binds_everybody():
    match = select_entries([E("", "停产")], subtype="", grade="C")
    assert match.ok and [e.text for e in match.entries] == ["停产"]


def test_subtype_selects_its_entry():
    match = select_entries(FOUNDRY_C, subtype="铸造用生铁企业", grade="C")
    assert match.ok and [e.text for e in match.entries] == ["限产 25%"]


def test_missing_subtype_in_a_cell_with_several_is_flagged():
    match = select_entries(FOUNDRY_C, subtype="", grade="C")
    assert match.status == "subtype" and "铸件企业" in match.problem


def test_unknown_subtype_is_flagged():
    match = select_entries(FOUNDRY_C, subtype="轮胎翻新企业", grade="C")
    assert match.status == "subtype" and not match.entries


def test_single_label_is_implied_by_the_grade():
    match = select_entries(CEMENT_LEADING, subtype="", grade="引领性")
    assert match.ok and match.entries == tuple(CEMENT_LEADING)


def test_part_of_a_label_matches():
    assert subtype_matches("粉磨站（系统）、矿渣粉、水泥制品等工业企业", "粉磨站")
    assert subtype_matches("粉磨站(系统)、矿渣粉、水泥制品等工业企业", "粉磨站（系统）、矿渣粉、水泥制品等工业企业")
    assert not subtype_matches("铸造用生铁企业", "铸件企业")
    match = select_entries(CEMENT_LEADING, subtype="矿渣粉", grade="非引领性")
    assert match.ok


def test_ambiguous_part_is_flagged():
    cell = [E("轮胎制品制造，其他橡胶制品制造", "a"), E("日用及医用橡胶制品制造", "b")]
    match = select_entries(cell, subtype="橡胶制品制造", grade="B")
    assert match.status == "subtype" and "多个子类" in match.problem


def test_labelled_and_unlabelled_entries_add_up():
    match = select_entries(FURNITURE_I_LEADING, subtype="使用粉末涂料家具制造企业", grade="引领性")
    assert match.ok and {e.text for e in match.entries} == {"停产", "鼓励"}
    match = select_entries(FURNITURE_I_LEADING, subtype="", grade="引领性")
    assert match.status == "subtype" and [e.text for e in match.entries] == ["鼓励"]


def test_empty_cell_and_no_grade():
    assert select_entries([], subtype="", grade="引领性").status == "empty_cell"
    assert select_entries([E("", "x")], subtype="", grade="").status == "no_grade"
    assert select_entries([E("", "全部停产")], subtype="", grade="", single_measure=True).ok
