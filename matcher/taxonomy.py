"""The occupational taxonomy: occupations, their groups and every label they go by.

A :class:`Taxonomy` holds the nodes of a classification (for the bundled one, the
2022 national classification 职业分类大典: 8 大类, 79 中类, 450 小类, 1,639 细类
occupations) and a flat list of :class:`Label` rows that name an occupation: official
names, job-board titles, colloquial 工种 names, sub-skills, special-operation and
special-equipment permits, English names. :meth:`Taxonomy.default` loads the bundled
tables; :meth:`Taxonomy.from_table` builds one from any table of code, label and
alternative labels, so the normalizer works on other classifications too (ESCO,
O*NET, a bureau's own list).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from matcher.errors import TaxonomyError, UnknownCodeError

__all__ = ["LABEL_KINDS", "Label", "Occupation", "Taxonomy", "data_dir", "read_table"]

#: What a label says about its occupation. ``name`` is the official name; ``skill``
#: and ``permit`` labels name a competence or licence under the occupation.
LABEL_KINDS = (
    "name", "alt_name", "job_board", "colloquial", "skill", "permit", "certificate", "english",
)


def data_dir() -> Path:
    """The folder of the bundled data tables (inside the wheel, or the repo's ``data/``)."""
    bundled = Path(__file__).resolve().parent / "_bundled"
    if bundled.is_dir():
        return bundled
    repo = Path(__file__).resolve().parents[1] / "data"
    if repo.is_dir():
        return repo
    raise TaxonomyError(f"no bundled data found in {bundled} or {repo}")


@dataclass(frozen=True, slots=True)
class Occupation:
    """A node of the classification: an occupation (细类) or one of its groups."""

    code: str
    name: str
    level: int = 4  #: 1 大类, 2 中类, 3 小类, 4 细类 (an occupation)
    parent: str | None = None
    green: bool = False  #: marked L (绿色职业) in the 2022 classification
    digital: bool = False  #: marked S (数字职业)
    definition: str = ""
    tasks: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """One text that names an occupation, a skill under it or a permit for it."""

    text: str
    code: str
    kind: str = "alt_name"
    source: str = ""


@dataclass(slots=True)
class Taxonomy:
    """Occupations (with their groups) and the labels that name them.

    Parameters
    ----------
    occupations : iterable of Occupation
        Every node; codes must be unique.
    labels : iterable of Label
        Labels naming nodes of ``occupations``. The official names are added
        automatically as labels of kind ``name``.
    noise_terms : iterable of str
        Recruitment boilerplate that names nothing (包吃住, 五险一金 …).
    """

    occupations: dict[str, Occupation]
    labels: list[Label]
    noise_terms: tuple[str, ...] = ()
    _children: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __init__(
        self,
        occupations: Iterable[Occupation],
        labels: Iterable[Label] = (),
        noise_terms: Iterable[str] = (),
    ) -> None:
        self.occupations = {}
        for occ in occupations:
            if occ.code in self.occupations:
                raise TaxonomyError(f"duplicate occupation code {occ.code!r}")
            self.occupations[occ.code] = occ
        self.labels = [
            Label(occ.name, occ.code, "name", "official name")
            for occ in self.occupations.values()
            if occ.level == 4
        ]
        for label in labels:
            if label.code not in self.occupations:
                raise TaxonomyError(f"label {label.text!r} names unknown code {label.code!r}")
            if label.kind not in LABEL_KINDS:
                raise TaxonomyError(f"label {label.text!r} has unknown kind {label.kind!r}")
            if label.text.strip():
                self.labels.append(label)
        self.noise_terms = tuple(t for t in noise_terms if t.strip())
        self._children = {}
        for occ in self.occupations.values():
            if occ.parent:
                self._children.setdefault(occ.parent, []).append(occ.code)

    def __len__(self) -> int:
        """The number of occupations (细类), not counting groups."""
        return sum(1 for occ in self.occupations.values() if occ.level == 4)

    def __contains__(self, code: object) -> bool:
        return code in self.occupations

    def __getitem__(self, code: str) -> Occupation:
        try:
            return self.occupations[code]
        except KeyError:
            raise UnknownCodeError(f"no occupation with code {code!r}") from None

    def ancestors(self, code: str) -> list[Occupation]:
        """The groups above ``code``, nearest first (小类, 中类, 大类)."""
        out = []
        parent = self[code].parent
        while parent:
            occ = self[parent]
            out.append(occ)
            parent = occ.parent
        return out

    def descendants(self, code: str) -> list[str]:
        """Codes of every occupation (细类) under a group, or ``[code]`` for an occupation."""
        if self[code].level == 4:
            return [code]
        out: list[str] = []
        for child in self._children.get(code, []):
            out.extend(self.descendants(child))
        return out

    @classmethod
    def from_table(
        cls,
        table: Iterable[Mapping[str, Any]] | Any,
        *,
        code: str = "code",
        label: str = "label",
        alt_labels: str | None = None,
        sep: str = "|",
        kind: str = "alt_name",
    ) -> Taxonomy:
        """Build a taxonomy from any table of code, label and alternative labels.

        Parameters
        ----------
        table : DataFrame or iterable of mappings
            One row per occupation (or per label: rows repeating a code add labels).
        code, label : str
            Column names of the code and of the preferred label.
        alt_labels : str, optional
            Column of alternative labels, ``sep``-separated.
        kind : str
            The kind given to alternative labels.

        Examples
        --------
        >>> tax = Taxonomy.from_table([{"code": "1", "label": "welder", "alt": "welding"}],
        ...                           alt_labels="alt")
        >>> len(tax), [l.text for l in tax.labels]
        (1, ['welder', 'welding'])
        """
        rows = table.to_dict("records") if hasattr(table, "to_dict") else list(table)
        occupations: dict[str, Occupation] = {}
        labels: list[Label] = []
        for i, row in enumerate(rows):
            if code not in row or label not in row:
                raise TaxonomyError(f"row {i}: needs columns {code!r} and {label!r}")
            key, text = str(row[code]).strip(), str(row[label]).strip()
            if not key or not text:
                raise TaxonomyError(f"row {i}: empty {code!r} or {label!r}")
            if key not in occupations:
                occupations[key] = Occupation(key, text)
            elif text != occupations[key].name:
                labels.append(Label(text, key, kind, "table"))
            alts = row.get(alt_labels) if alt_labels else None
            if isinstance(alts, str):
                labels.extend(
                    Label(a.strip(), key, kind, "table") for a in alts.split(sep) if a.strip()
                )
        return cls(occupations.values(), labels)

    @classmethod
    def default(cls) -> Taxonomy:
        """The bundled 2022 classification with its curated labels (cached)."""
        return _load_default()


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a bundled CSV table (UTF-8, with or without BOM)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as exc:
        raise TaxonomyError(f"cannot read taxonomy table {path}: {exc}") from exc


@cache
def _load_default() -> Taxonomy:
    folder = data_dir() / "taxonomy"
    occupations = []
    for i, row in enumerate(read_table(folder / "occupations.csv"), start=2):
        try:
            occupations.append(
                Occupation(
                    code=row["code"],
                    name=row["name"],
                    level=int(row["level"]),
                    parent=row["parent"] or None,
                    green=row["green"] == "1",
                    digital=row["digital"] == "1",
                    definition=row["definition"],
                    tasks=row["tasks"],
                )
            )
        except (KeyError, ValueError) as exc:
            raise TaxonomyError(f"occupations.csv line {i}: {exc}") from exc
    labels = []
    for name in ("job_board_aliases.csv", "curated_labels.csv", "curated_titles.csv"):
        path = folder / name
        if not path.exists():
            continue
        for i, row in enumerate(read_table(path), start=2):
            try:
                labels.append(Label(row["label"].strip(), row["code"].strip(),
                                    row["kind"].strip(), row.get("source", "")))
            except (KeyError, AttributeError) as exc:
                raise TaxonomyError(f"{name} line {i}: missing column {exc}") from exc
    noise_path = folder / "noise_terms.csv"
    noise = [row["term"] for row in read_table(noise_path)] if noise_path.exists() else []
    try:
        return Taxonomy(occupations, labels, noise)
    except TaxonomyError as exc:
        raise TaxonomyError(f"bundled taxonomy in {folder}: {exc}") from exc
