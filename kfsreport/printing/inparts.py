"""A build's PDF laid out in two parts at once, on two print processes (`parts.py`), with
the whole layout as the fallback; used by `pipeline.make`.

The last build's layout facts (`parts.Plan`, in the report's cache folder) say where a
second part can begin. Both processes get the whole print HTML; the first lays out the pages
before that point and the second the rest. If each part found what the other was given
(`parts.agree`), the first process joins the second's pages to its own, repairs the tags and
makes the archive copy (`parts.join`). If not (an edit moved the pages, a word was split at
the join, the join failed), the first process lays the report out whole, as a build without
a plan does, and the build is as right as ever, only slower by the wasted half; if a process
failed or was closed, the caller lays it out itself, as when its one print process fails.
Either way the facts of the layout used are the plan of the next build (`plan_json`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.printing.parts import PLAN_FILE, Facts, Plan, Seed, agree, load_plan, plan_from

if TYPE_CHECKING:
    from kfsreport.printing.printworker import PrintAnswer, PrintServer

log = logging.getLogger(__name__)

Part = tuple[bytes | None, list[str], Facts | None]
"""A part's answer: its PDF, the URLs refused, the facts found (`parts.lay_out_part`)."""


def usable_plan(cache: Path | None) -> Plan | None:
    """The last build's plan, if it has a page where a second part can begin."""
    plan = load_plan(cache)
    return plan if plan is not None and plan.split_at() is not None else None


def plan_file(cache: Path) -> Path:
    """Where the plan for the next build is kept."""
    return cache / PLAN_FILE


class InParts:
    """One build's PDF from two print processes: `send` as soon as the print HTML exists,
    `receive` when the PDF is needed."""

    def __init__(
        self,
        plan: Plan,
        first: PrintServer,
        second: PrintServer,
        *,
        archive: bool = True,
        remember: bool = False,
    ) -> None:
        """`archive`: the archive copy too; `remember`: a whole layout in the first process,
        if the parts are not used, keeps where the chapters began (the preview's)."""
        self.plan = plan
        self.first = first
        self.second = second
        self.archive = archive
        self.remember = remember
        self.joined = False
        """Whether the PDF came from the two parts."""
        self.facts: list[Facts] = []
        self._seeds: tuple[Seed, Seed] | None = None
        self._work: tuple[str, Path, list[Path]] | None = None

    def send(self, html: str, root: Path, template_dirs: list[Path]) -> None:
        split = self.plan.split_at()
        assert split is not None  # usable_plan
        self._seeds = self.plan.seeds(split)
        self._work = (html, root, template_dirs)
        self.first.send_part(html, root, template_dirs, self._seeds[0])
        self.second.send_part(html, root, template_dirs, self._seeds[1])

    def receive(self) -> PrintAnswer | None:
        """The PDFs and the URLs refused, as `PrintServer.receive` answers; None if a
        process failed (logged; the caller lays the report out itself)."""
        assert self._seeds is not None and self._work is not None
        first, second = self.first.receive_part(), self.second.receive_part()
        if first is None or second is None:
            return None  # a process failed or was closed (logged): not started again here
        refused = list(dict.fromkeys(first[1] + second[1]))
        if refused:
            return None, refused
        pdfs = self._joined(first, second)
        if pdfs is not None:
            return pdfs, []
        log.info("PDF:ens två delar stämde inte med varandra; rapporten läggs ut i ett stycke.")
        html, root, template_dirs = self._work
        self.first.send(html, root, template_dirs, archive=self.archive, remember=self.remember, plan=True)
        answer = self.first.receive()
        facts = self.first.facts()
        self.facts = [facts] if facts is not None else []
        return answer

    def _joined(self, first: Part, second: Part) -> dict[str, bytes] | None:
        """The PDFs from the two parts, if they agree and the first process joined them."""
        assert self._seeds is not None
        found, pdf = (first[2], second[2]), second[0]
        if (
            found[0] is None
            or found[1] is None
            or pdf is None
            or not agree(self._seeds, (found[0], found[1]))
        ):
            return None
        pdfs = self.first.join(pdf, found[0].bookmarks + found[1].bookmarks, archive=self.archive)
        if pdfs is not None:
            self.facts = [found[0], found[1]]
            self.joined = True
            split, total = found[1].start, found[1].start + found[1].pages
            log.info(
                "PDF:en lades ut i två delar samtidigt: sidorna 1–%d och %d–%d.",
                split,
                split + 1,
                total,
            )
        return pdfs

    def plan_json(self) -> bytes | None:
        """The next build's plan, from the layout this build used."""
        return plan_json(self.facts)


def plan_json(facts: list[Facts]) -> bytes | None:
    """A plan from one layout's facts (whole, or the parts in order), as the cache keeps it."""
    plan = plan_from(facts)
    return plan.to_json().encode("utf-8") if plan is not None else None
