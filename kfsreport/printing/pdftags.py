"""The PDF's structure tree, made to read right: small hooks into WeasyPrint 70's tagging and
one repair of the tree it writes (`repair`, bytes in, bytes out).

WeasyPrint 70 (weasyprint/pdf/tags.py) builds the tree page by page and from HTML tag names
only. What that gets wrong, and the WeasyPrint issue behind it (delete the matching part here
when WeasyPrint fixes it):

- the tree follows pages, not chapters: a section or paragraph that crosses a page becomes two
  elements (tags.py builds one subtree per page; #2482 "PDF/UA support improvement");
- running heads and page numbers are tagged content detached from the tree, not artifacts
  (#1836: margin boxes can only be artifacts in the tree in PDF 2.0);
- nested boxes of one link each get a Link and an annotation (also a link's own `::after`, the
  page of a cross-reference), the `leader()` dots are text, the
  list of contents is a plain list (#185 "nested tags in anchors", #2482), and a link's
  `/Contents` is its URL fragment;
- `<dl>` becomes `L > Div > LI` (#2482 "better PDF tags for <dl>"); an anonymous block inside a
  heading becomes a second heading inside the first;
- `/Lang` is never written below the catalog; TH cells have no `/Scope`; `/ID`s are written
  without the `/IDTree`; a Figure's `/BBox` is in CSS pixels from the top of the page;
- a TD's `/Headers` count a header cell that spans columns or rows as one column, so in a
  table with grouped column headings the cells name the wrong headings (`_row_headers`);
- a line-end hyphen added by hyphenation is text (`Buil-` / `ding`);
- a space WeasyPrint does not draw is not in the text at all: at a line break, after `<br>`,
  a box of spaces only between two inline elements, and nothing between a contents entry's
  number, title and page number, so words run together for whoever reads the tags
  ("BuildingWomen", "1Sammanfattning5"; no WeasyPrint issue found for it).

The hooks (`install`, `prepare`) mark what only the layout knows: which text is a running head
or a leader (drawn as `/Artifact`), the whole words on each side of a layout hyphen (drawn
with `/ActualText`) and the spaces not drawn (an `/ActualText` in the tree only), and, on
each structure element, private `/Kfs…` hints from the HTML (which element it comes from,
`lang`, `data-pdf` role, `data-pdf-text`, TH `scope`). `repair` reads those hints, rebuilds
the tree and its parent tree, and removes every hint.

HTML attributes the print edition uses: `data-pdf="TOC"`/`"TOCI"` (with `data-pdf-level`) for
the contents, `data-pdf-contents` for a contents link's description (", sidan N" is added
from the layout), `data-pdf-text` for the text a reader gets instead of an element's own.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

HINT = re.compile(rb"\s*/KfsMCID\s+(\d+)")
ACTUAL = re.compile(rb"/MCID\s*(\d+)\s*/ActualText\s*(?:<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\))")
"""An `/ActualText` as pydyf writes it: hex UTF-16 with a byte-order mark, or a literal
string in parentheses (backslash escapes) when the text is ASCII, as a space is."""
STRING = rb"(?:<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\))"
"""The same, as it stands in a property list (no groups)."""
SPOKEN = re.compile(
    rb"/MCID\s*(\d+)(?:\s*/ActualText\s*%s)?\s*/KfsSpoken\s*(?:<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\))"
    % STRING
)
"""The text the tree is to read for a marked-content sequence (`kfs_spoken`), a hint only."""
SPOKEN_HINT = re.compile(rb"\s*/KfsSpoken\s*%s" % STRING)
SPACE = re.compile(r"\s+")
LEADING_FRAGMENT = re.compile(r"^\S*")

_installed = False


# --- hooks into WeasyPrint's layout and drawing ------------------------------------------------


def install() -> None:
    """Wrap four WeasyPrint 70 functions and one of pydyf's (once per process): line breaking remembers which
    lines end in a hyphen it added and where it left out a space at a line's end or start;
    marked content of artifacts and of text read otherwise than drawn is drawn as `/Artifact`
    or with `/ActualText`; each structure element gets its hints."""
    global _installed
    if _installed:
        return
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import stream, tags

    split = inline.split_text_box

    def split_text_box(context: Any, box: Any, available_width: Any, skip: Any, **kwargs: Any) -> Any:
        new_box, resume, preserved = split(context, box, available_width, skip, **kwargs)
        if new_box is not None and resume is not None:
            text = box.text.encode()
            rest = text[skip or 0 :]
            if not rest.startswith(new_box.text.encode()):  # the layout added a hyphen
                new_box.kfs_hyphen = len(box.style["hyphenate_character"])
            elif text[resume - 1 : resume].isspace() and not new_box.text[-1:].isspace():
                new_box.kfs_space = True  # the line broke at a space, which is not drawn
        if new_box is not None and skip and box.text.encode()[skip - 1 : skip].isspace():
            new_box.kfs_lead = True  # a line starts after a space it does not draw
        return new_box, resume, preserved

    inline.split_text_box = split_text_box

    remove_last_whitespace = inline.remove_last_whitespace

    def remove_last_whitespace_noted(context: Any, line: Any) -> None:
        box = line
        while isinstance(box, (boxes.LineBox, boxes.InlineBox)) and box.children:
            box = box.children[-1]
        before = box.text if isinstance(box, boxes.TextBox) else None
        remove_last_whitespace(context, line)
        if before is not None and len(box.text) < len(before):
            box.kfs_space = True  # a space at the line's end, not drawn (`_spaces` reads it)

    inline.remove_last_whitespace = remove_last_whitespace_noted

    marked = stream.Stream.marked

    @contextmanager
    def marked_or_artifact(self: Any, box: Any, tag: str) -> Iterator[None]:
        artifact = getattr(box, "kfs_artifact", None)
        actual = getattr(box, "kfs_actual", None)
        spoken = getattr(box, "kfs_spoken", None)
        if self._tags is None or (artifact is None and actual is None and spoken is None):
            with marked(self, box, tag):
                yield
            return
        mcid = len(self._tags)
        self._tags[box] = {"tag": tag, "mcid": mcid}
        if artifact is not None:  # `repair` drops the MCID from the tree and the stream
            properties = pydyf.Dictionary({"Type": f"/{artifact}", "KfsMCID": mcid})
            pydyf.Stream.begin_marked_content(self, "Artifact", properties)
        else:  # `repair` moves /KfsSpoken into the tree: text extraction keeps its own spaces
            properties = pydyf.Dictionary({"MCID": mcid})
            if actual is not None:
                properties["ActualText"] = pydyf.String(actual)
            if spoken is not None:
                properties["KfsSpoken"] = pydyf.String(spoken)
            pydyf.Stream.begin_marked_content(self, tag, properties)
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)

    stream.Stream.marked = marked_or_artifact

    build = tags._build_box_tree

    def build_box_tree(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        for element in build(box, parent, pdf, *args):
            _hint(element, real, pdf, pydyf)
            yield element

    tags._build_box_tree = build_box_tree
    global pydyf_page_references
    pydyf_page_references = pydyf.PDF.page_references
    pydyf.PDF.page_references = property(page_references)
    _installed = True


pydyf_page_references: Any = None
"""pydyf's own property, replaced by `page_references` (tests/test_pdftags.py compares them)."""


def page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's `PDF.page_references` (0.13), kept: the same tuple of `b"N 0 R"`, made again
    only when a page has been added. pydyf builds the tuple of all pages anew on each read, and
    WeasyPrint 70 reads it once per tagged piece of text (`tags.py`, for `/Pg`) and per anchor,
    so writing a PDF of n pages took time growing with n²: 25 s of the 42 s that writing the
    demo ×20 (561 pages) took. Pages are only ever appended (`PDF.add_page`), so the length of
    `/Kids` tells whether the kept tuple is still right."""
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get("kfs_page_references")
    if kept is None or kept[0] is not kids or kept[1] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        kept = pdf.kfs_page_references = (kids, len(kids), references)
    return kept[2]  # type: ignore[no-any-return]


def _hint(element: Any, box: Any, pdf: Any, pydyf: Any) -> None:
    """Private hints from the HTML element of `box` on its structure element."""
    if box.element is None or "KfsK" in element:
        return
    element["KfsK"] = _key(box, pdf)
    label = getattr(box, "kfs_label", None)
    annotation = getattr(box, "link_annotation", None)
    if label and annotation is not None:
        annotation["Contents"] = pydyf.String(label)
    if "::" in (box.element_tag or ""):
        return
    attributes = box.element.attrib
    for attribute, key in (
        ("lang", "KfsLang"),
        ("data-pdf", "KfsRole"),
        ("data-pdf-level", "KfsLevel"),
        ("data-pdf-text", "KfsText"),
    ):
        if attributes.get(attribute):
            element[key] = pydyf.String(attributes[attribute])
    if box.element_tag == "th":
        element["KfsScope"] = pydyf.String("Row" if attributes.get("scope") == "row" else "Column")


class _Order:
    """The document order of the elements of the document `prepare` was last given (it keeps
    the tree alive, so no other element can have an id found here)."""

    root: Any = None
    index: dict[int, int] = {}


PSEUDO = {"": 0, "::before": 1, "::after": 2, "::marker": 3, "::footnote-call": 4, "::footnote-marker": 5}


def _key(box: Any, pdf: Any) -> int:
    """The hint naming the HTML element (and pseudo-element) a structure element comes from:
    its place in the document, so that the same element has the same key in every part of a
    report laid out in parts (`parts.py`); else a number counted per PDF."""
    order = _Order.index.get(id(box.element))
    if order is not None:
        tag = box.element_tag or ""
        return order * 16 + PSEUDO.get(tag[tag.find("::") :] if "::" in tag else "", 15)
    keys = pdf.__dict__.setdefault("kfs_keys", {})
    return -1 - int(keys.setdefault((id(box.element), box.element_tag), len(keys)))


def prepare(document: Any) -> None:
    """Mark the laid-out boxes before WeasyPrint draws them: running heads and page numbers
    are `Pagination` artifacts, leader dots `Layout` artifacts; each line that ends in a
    layout hyphen reads as the whole word (`kfs_actual`), and so does the next line's start;
    each link gets a readable description (`kfs_label`)."""
    from weasyprint.formatting_structure import boxes

    html = getattr(document, "_html", None)
    root = getattr(html, "etree_element", None)
    if root is not None and root is not _Order.root:
        _Order.root, _Order.index = root, {id(element): n for n, element in enumerate(root.iter())}
    texts: list[Any] = []
    read: list[Any] = []
    links: dict[int, list[Any]] = {}
    for number, page in enumerate(document.pages):
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                for box in _descendants(child):
                    box.kfs_artifact = "Pagination"
            else:
                _collect(child, Collected(texts, read, links, number), blocks=(), flow=None, leader=False)
    _whole_words(texts)
    _spaces(read)
    for parts in links.values():
        _label(parts)


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


@dataclass
class Collected:
    """What `prepare` finds in the laid-out boxes, in document order."""

    texts: list[Any]
    """The text boxes read aloud (not leaders nor running heads)."""
    read: list[Any]
    """The same as `(page, paragraph, flow, box)`, and with `None` for `box` where a `<br>`
    breaks a line. The paragraph is the HTML elements of the blocks around the text, outermost
    first (not counting an absolutely placed one); the flow is the box whose lines hold it."""
    links: dict[int, list[Any]]
    """The boxes of each link, by its HTML element."""
    page: int


def _collect(box: Any, found: Collected, *, blocks: tuple[Any, ...], flow: Any, leader: bool) -> None:
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    leader = leader or bool(getattr(box, "is_leader", False))
    if leader and isinstance(box, boxes.TextBox):
        box.kfs_artifact = "Layout"
    if box.element is not None and box.element.tag == "a":
        found.links.setdefault(id(box.element), []).append(box)
    if isinstance(box, AbsolutePlaceholder) or (
        isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.InlineBlockBox)
    ):
        flow = box  # the lines of one box follow each other
        key = box.element if box.element is not None else box
        if box.style["position"] not in ("absolute", "fixed") and (not blocks or blocks[-1] is not key):
            # An anonymous block reads with its element's other boxes, and an absolutely
            # placed box (a contents number) with its paragraph.
            blocks = (*blocks, key)
    if isinstance(box, boxes.TextBox) and not leader:
        found.texts.append(box)
        found.read.append((found.page, blocks, flow, box))
    elif box.element_tag == "br":
        found.read.append((found.page, blocks, flow, None))
        return
    for child in getattr(box, "children", ()):
        _collect(child, found, blocks=blocks, flow=flow, leader=leader)


def _whole_words(texts: list[Any]) -> None:
    """`/ActualText` for the lines on each side of a layout hyphen: the line with the hyphen
    reads the whole word, and the lines after it read on after that word (a word hyphenated
    twice leaves a middle line that reads nothing)."""
    skip: dict[int, int] = {}  # index of a box → characters at its start already read before
    for index, box in enumerate(texts):
        hyphen = getattr(box, "kfs_hyphen", 0)
        carry = skip.get(index, 0)
        if not (hyphen or carry):
            continue
        if carry >= len(box.text) - hyphen and index in skip:
            box.kfs_actual = ""
            continue
        text = box.text[carry:]
        if hyphen:
            text = text[:-hyphen]
            follow = index + 1
            while follow < len(texts):
                following = texts[follow]
                cut = getattr(following, "kfs_hyphen", 0)
                body = following.text[: len(following.text) - cut] if cut else following.text
                if cut and not SPACE.search(body):  # the whole line is the word's middle
                    text += body
                    skip[follow] = len(following.text)
                    follow += 1
                    continue
                rest = LEADING_FRAGMENT.match(following.text)
                fragment = rest.group(0) if rest else ""
                text += fragment
                skip[follow] = len(fragment)
                break
        box.kfs_actual = text.replace("\u00ad", "")  # a break at a compound's joint (soft hyphen)


def _spaces(read: list[Any]) -> None:
    """The spaces WeasyPrint does not draw, read all the same (`kfs_spoken`: an `/ActualText`
    in the tree only, as text extraction finds its spaces where the glyphs stand), so that text
    read from the structure tree has its words apart ("Building Women", not "BuildingWomen"):
    a text box of spaces only (between two inline elements) reads as one space; a line that
    broke at a space reads with it at its end, or the next line with it at its start when the
    break fell between two boxes; a line ended by `<br>` reads with a space at its end; and
    two texts of one paragraph that are not drawn next to each other (a number placed apart,
    a leader between a title and its page number) read with a space between."""
    after: set[int] = set()
    before: set[int] = set()
    spaced: set[int] = set()  # boxes that follow a space drawn at the end of the one before
    last: Any = None  # the last text read: (page, paragraph, flow, box)
    for page, blocks, flow, box in read:
        same = last is not None and last[0] == page and _one_paragraph(last[1], blocks)
        if same and last[3].text[-1:].isspace():
            spaced.add(id(box))
        if box is None:  # <br>
            if same:
                after.add(id(last[3]))
            continue
        if not box.text.strip():
            if box.text and getattr(box, "kfs_actual", None) is None:
                box.kfs_spoken = " "
                last = (page, blocks, flow, box)
            elif getattr(box, "kfs_space", False) and same:
                after.add(id(last[3]))  # a line's last spaces, not drawn
            continue
        if getattr(box, "kfs_space", False) and not box.text[-1].isspace():
            after.add(id(box))
        if getattr(box, "kfs_lead", False) and not box.text[0].isspace():
            # read at the end of the line before if there is one (copied text keeps its
            # lines' starts as they are), else at this line's start
            if same:
                after.add(id(last[3]))
            else:
                before.add(id(box))
        if same and _apart(last, flow, box):
            after.add(id(last[3]))
        last = (page, blocks, flow, box)
    for _, _, _, box in read:
        if box is None or not box.text.strip():
            continue
        actual = getattr(box, "kfs_actual", None)
        if actual is None and id(box) not in after and id(box) not in before:
            continue
        text = box.text if actual is None else actual
        # A reader that puts the space drawn before a box into the box's own text (pdf.js)
        # loses it when /ActualText replaces that text: the space is read again from it.
        lead = id(box) in before or (id(box) in spaced and bool(text) and not text[0].isspace())
        spoken = (" " if lead else "") + text + (" " if id(box) in after else "")
        if spoken != actual:
            box.kfs_spoken = spoken


def _one_paragraph(first: tuple[Any, ...], second: tuple[Any, ...]) -> bool:
    """Whether two texts read as one, by their blocks (outermost first): in one block, or
    one in a block inside the other's (a `<th>` with a description set as a block in it)."""
    shorter = min(len(first), len(second))
    return first[:shorter] == second[:shorter]


def _apart(last: tuple[int, Any, Any, Any], flow: Any, second: Any) -> bool:
    """Whether two texts of one paragraph with no space between them are drawn apart: in two
    flows (a number placed beside its title), or on one line with a gap or an overlap of a
    quarter em between them (a leader, a margin)."""
    first = last[3]
    if first.text[-1:].isspace() or second.text[:1].isspace():
        return False
    if last[2] is not flow:
        return True
    top, bottom = first.position_y, first.position_y + first.height
    if second.position_y >= bottom or second.position_y + second.height <= top:
        return False  # the next line: `kfs_space` and `kfs_lead` know if a space is left out
    gap = second.position_x - (first.position_x + first.width)
    return bool(abs(gap) > 0.25 * first.style["font_size"])


def _label(parts: list[Any]) -> None:
    """A link's description: `data-pdf-contents` and the page its entry shows, or its text."""
    from weasyprint.formatting_structure import boxes

    element = parts[0].element
    own: list[str] = []
    after: list[str] = []
    seen: set[int] = set()
    for part in parts:
        for box in _descendants(part):
            if id(box) in seen or not isinstance(box, boxes.TextBox):
                continue
            seen.add(id(box))
            if getattr(box, "kfs_artifact", None) is None:
                hyphen = getattr(box, "kfs_hyphen", 0)
                text = box.text[:-hyphen] + "\u200b" if hyphen else box.text
                (after if "::after" in (box.element_tag or "") else own).append(text)
    described = element.attrib.get("data-pdf-contents")
    page = SPACE.sub(" ", "".join(after)).strip()
    if described:
        label = f"{described}, sidan {page}" if page else described
    else:
        label = SPACE.sub(" ", " ".join([*own, *after]).replace("\u200b ", "")).strip()
    for part in parts:
        for box in _descendants(part):
            box.kfs_label = label


# --- the repair ----------------------------------------------------------------------------------


def _string(hexed: bytes, literal: bytes) -> str:
    """A PDF string as pydyf writes it: hex UTF-16 with a byte-order mark, or literal."""
    if hexed:
        return bytes.fromhex(hexed.decode()).decode("utf-16")
    return re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1")


class _Tree:
    """Working state of one repair: the PDF, its pages and what became artifacts."""

    def __init__(self, pdf: Any) -> None:
        import pikepdf

        self.pikepdf = pikepdf
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.page_index = {page.objgen: i for i, page in enumerate(self.pages)}
        self.artifacts: dict[int, set[int]] = {}
        self.actual: dict[tuple[int, int], str] = {}
        self.late_artifacts: set[tuple[int, int]] = set()
        self.id_alias: dict[str, str] = {}
        self.language = str(pdf.Root.get("/Lang", ""))
        self.heights = [float(page.MediaBox[3]) for page in self.pages]
        self.walked: list[Any] = []
        """Every structure element once the tree is rebuilt, in reading order."""

    def strip_artifacts(self) -> None:
        """The MCIDs drawn as artifacts, per page; their hint removed from the content."""
        for index, page in enumerate(self.pages):
            contents = page.get("/Contents")
            streams = list(contents) if isinstance(contents, self.pikepdf.Array) else [contents]
            found: set[int] = set()
            for content in streams:
                if content is None:
                    continue
                data = content.read_bytes()
                for pattern in (ACTUAL, SPOKEN):  # what the tree reads wins over /ActualText
                    for mcid, hexed, literal in pattern.findall(data):
                        self.actual[index, int(mcid)] = _string(hexed, literal)
                marks = {int(mcid) for mcid in HINT.findall(data)}
                found |= marks
                if marks or b"/KfsSpoken" in data:
                    content.write(SPOKEN_HINT.sub(b"", HINT.sub(b"", data)))
            self.artifacts[index] = found

    def mark_late_artifacts(self) -> None:
        """Marked content found to be repeated (a table header on the next page): drawn as
        an artifact instead, so nothing on the page is tagged but left out of the tree."""
        pages: dict[int, set[int]] = {}
        for where, mcid in self.late_artifacts:  # grouped once, not searched once per page
            pages.setdefault(where, set()).add(mcid)
        for index, mcids in sorted(pages.items()):
            content = self.pages[index].Contents
            data = content.read_bytes()
            for mcid in mcids:
                pattern = rb"/\w+\s*<<\s*/MCID\s*%d(?:\s*/ActualText\s*%s)?\s*>>\s*BDC" % (mcid, STRING)
                data = re.sub(pattern, b"/Artifact BMC", data)
            content.write(data)

    def kids(self, element: Any) -> list[Any]:
        """An element's kids as a list: struct elements, OBJRs, and (page, mcid) pairs."""
        pikepdf = self.pikepdf
        kids = element.get("/K")
        if kids is None:
            return []
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        page = self.page_index.get(element.Pg.objgen) if "/Pg" in element else None
        out: list[Any] = []
        for kid in items:
            if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == 3):
                mcid = int(kid)
                if page is not None and mcid not in self.artifacts.get(page, set()):
                    out.append((page, mcid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                where = self.page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                if where is not None and int(kid.MCID) not in self.artifacts.get(where, set()):
                    out.append((where, int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary):
                out.append(kid)
        return out


def repair(data: bytes) -> bytes:
    """The PDF `data` with its structure tree repaired as the module describes; a PDF without
    a structure tree is returned as it is."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.Root.get("/StructTreeRoot") is None:
            return data
        return repair_open(pdf)


def repair_open(pdf: Any, *, generate: bool = False) -> bytes:
    """`repair` of an open pikepdf PDF that has a structure tree: the repaired file's bytes
    (`generate`: saved with new object streams, as the parts of a report joined by `stitch`)."""
    import pikepdf

    root = pdf.Root.StructTreeRoot
    tree = _Tree(pdf)
    tree.strip_artifacts()
    documents = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    for document in documents:
        _rebuild(tree, document, root)
    root.K = pikepdf.Array(documents)
    tree.mark_late_artifacts()
    tree.walked = [element for document in documents for element in _walk(document)]
    _alias_headers(tree, documents)
    _parent_tree(tree, root, documents)
    _id_tree(tree, root, documents)
    for element in tree.walked:
        _strip_hints(element)
    from kfsreport.printing import pdfstreams

    return pdfstreams.save(pdf, generate=generate)


KEPT_EMPTY = {"/Figure", "/TD", "/TH"}
"""Elements kept when they hold nothing: a figure, and an empty table cell (without it its row
would be a column short, and the table's rows and columns would not add up: PDF/UA-1 7.5)."""


def _rebuild(tree: _Tree, element: Any, parent: Any) -> list[Any]:
    """`element` with its kids repaired; returns what replaces it in its parent (itself, its
    kids when it is an anonymous copy of its parent, or nothing when it has become empty)."""
    kids = _merge(tree, tree.kids(element))
    result: list[Any] = []
    for kid in kids:
        if isinstance(kid, tuple) or kid.get("/Type") == "/OBJR":
            result.append(kid)
            continue
        if (
            kid.get("/KfsK") is not None and kid.get("/KfsK") == element.get("/KfsK") and kid.S == element.S
        ) or (_own_pseudo_link(kid, element)):
            for rebuilt in _rebuild(tree, kid, element):
                result += _flatten(tree, rebuilt, element)
            continue
        result += _rebuild(tree, kid, element)
    result = _actual_text(tree, element, result)
    _set_kids(tree, element, result)
    _apply_hints(tree, element)
    element.P = parent
    if not result and str(element.get("/S")) not in KEPT_EMPTY:
        return []
    role = str(element.get("/S"))
    if role == "/L" and any(str(k.get("/S")) == "/Div" for k in result if not isinstance(k, tuple)):
        _definitions(tree, element)
    if role == "/TOC":
        _contents(tree, element)
    if role == "/LI":
        _list_item(tree, element)
    if role == "/Table":
        _row_headers(tree, element)
    return [element]


def _own_pseudo_link(kid: Any, element: Any) -> bool:
    """A Link inside a Link that is the outer link's own `::before` or `::after` (the page of
    a cross-reference, `avsnitt 3.2 på s. 14`): its text and annotation belong to the outer
    Link, not to a link nested in it."""
    if str(kid.get("/S")) != "/Link" or str(element.get("/S")) != "/Link":
        return False
    own, outer = kid.get("/KfsK"), element.get("/KfsK")
    if own is None or outer is None or int(own) < 0 or int(outer) < 0:
        return False
    return int(own) // 16 == int(outer) // 16 and int(own) % 16 in (PSEUDO["::before"], PSEUDO["::after"])


def _actual_text(tree: _Tree, element: Any, kids: list[Any]) -> list[Any]:
    """Marked content drawn with `/ActualText` (a line around a layout hyphen) gets it in the
    tree as well, which is what screen readers read: on `element` when that content is all
    it holds, otherwise on a Span of its own around it."""
    pikepdf = tree.pikepdf
    marked = [k for k in kids if isinstance(k, tuple) and k in tree.actual]
    if not marked:
        return kids
    if len(kids) == 1 and "/ActualText" not in element:
        element.ActualText = pikepdf.String(tree.actual[kids[0]])
        return kids
    out: list[Any] = []
    for kid in kids:
        if isinstance(kid, tuple) and kid in tree.actual:
            span = tree.pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.Span,
                    P=element,
                    Pg=tree.pages[kid[0]],
                    K=pikepdf.Array([kid[1]]),
                    ActualText=pikepdf.String(tree.actual[kid]),
                )
            )
            out.append(span)
        else:
            out.append(kid)
    return out


def _flatten(tree: _Tree, kid: Any, element: Any) -> list[Any]:
    """The kids of an anonymous copy of `element` (already rebuilt), re-parented."""
    items = tree.kids(kid)
    for item in items:
        if not isinstance(item, tuple) and item.get("/Type") != "/OBJR":
            item.P = element
    return items


def _merge(tree: _Tree, kids: list[Any]) -> list[Any]:
    """Consecutive siblings from one HTML element (split by a page break) become one."""
    merged: list[Any] = []
    for kid in kids:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not isinstance(kid, tuple)
            and not isinstance(previous, tuple)
            and kid.get("/KfsK") is not None
            and kid.get("/KfsK") == previous.get("/KfsK")
            and kid.get("/S") == previous.get("/S")
        ):
            _set_kids(tree, previous, tree.kids(previous) + _repeated_header(tree, previous, kid))
            continue
        merged.append(kid)
    return merged


def _repeated_header(tree: _Tree, table: Any, rest: Any) -> list[Any]:
    """The kids of a table's continuation on the next page, without the header rows that
    WeasyPrint repeats there: the repeated copy becomes an artifact (one THead per table)."""
    kids = tree.kids(rest)
    if str(table.get("/S")) != "/Table":
        return kids
    heads = {
        k.get("/KfsK"): k
        for k in tree.kids(table)
        if not isinstance(k, tuple) and str(k.get("/S")) == "/THead"
    }
    kept = []
    for kid in kids:
        if not isinstance(kid, tuple) and str(kid.get("/S")) == "/THead" and kid.get("/KfsK") in heads:
            _, content = _gather(tree, kid)
            tree.late_artifacts.update(content)
            # cells on this page name the repeated header cells: let them name the first ones
            for copy, first in zip(_header_ids(kid), _header_ids(heads[kid.get("/KfsK")]), strict=False):
                tree.id_alias[copy] = first
            continue
        kept.append(kid)
    return kept


def _header_ids(element: Any) -> list[str]:
    """The /IDs of the header cells below `element`, in reading order."""
    return [str(e.ID) for e in _walk(element) if str(e.get("/S")) == "/TH" and "/ID" in e]


def _set_kids(tree: _Tree, element: Any, kids: list[Any]) -> None:
    pikepdf = tree.pikepdf
    page = tree.page_index.get(element.Pg.objgen) if "/Pg" in element else None
    if page is None:
        first = next((k for k in kids if isinstance(k, tuple)), None)
        if first is not None:
            element.Pg = tree.pages[first[0]]
            page = first[0]
    items = []
    for kid in kids:
        if isinstance(kid, tuple):
            where, mcid = kid
            if where == page:
                items.append(mcid)
            else:
                items.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=tree.pages[where], MCID=mcid))
        else:
            items.append(kid)
    element.K = pikepdf.Array(items)


def _apply_hints(tree: _Tree, element: Any) -> None:
    pikepdf = tree.pikepdf
    keys = set(element.keys())
    if not keys & HINT_KEYS and str(element.get("/S")) != "/Figure":
        return  # most elements have no hint: one look at the keys, not five lookups
    role = element.get("/KfsRole")
    if role is not None:
        element.S = pikepdf.Name("/" + str(role))
    language = element.get("/KfsLang")
    if language is not None and str(language) != tree.language:
        element.Lang = pikepdf.String(str(language))
    text = element.get("/KfsText")
    if text is not None:
        element.ActualText = pikepdf.String(str(text))
    scope = element.get("/KfsScope")
    if scope is not None:
        attributes = element.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary):
            attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            element.A = attributes
        attributes.Scope = pikepdf.Name("/" + str(scope))
    if str(element.get("/S")) == "/Figure" and element.get("/KfsK") is not None:
        _figure_box(tree, element)


def _figure_box(tree: _Tree, element: Any) -> None:
    """WeasyPrint's `/BBox` is in CSS pixels from the page's top: to PDF points from its foot."""
    pikepdf = tree.pikepdf
    attributes = element.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary) or "/BBox" not in attributes or "/Pg" not in element:
        return
    x1, y1, x2, y2 = (float(v) for v in attributes.BBox)
    height = tree.heights[tree.page_index[element.Pg.objgen]]
    scale = 0.75  # WeasyPrint: 72 points per 96 CSS pixels
    box = [x1 * scale, height - y2 * scale, x2 * scale, height - y1 * scale]
    attributes.BBox = pikepdf.Array([round(v, 2) for v in box])


HINT_KEYS = {"/KfsRole", "/KfsLang", "/KfsText", "/KfsScope"}


def _strip_hints(element: Any) -> None:
    for key in list(element.keys()):
        if key.startswith("/Kfs"):
            del element[key]


def _structs(kids: Any) -> list[Any]:
    return [k for k in kids if not isinstance(k, int) and k.get("/Type") not in ("/MCR", "/OBJR")]


def _definitions(tree: _Tree, element: Any) -> None:
    """`<dl><div><dt>…<dd>…` (L > Div > LI) becomes a list whose items have the term as
    label and the definition as body (L > LI > Lbl, LBody), which validators accept."""
    pikepdf = tree.pikepdf
    for item in _structs(element.K):
        if str(item.S) != "/Div":
            continue
        item.S = pikepdf.Name.LI
        parts = _structs(item.K)
        for index, part in enumerate(parts):
            part.S = pikepdf.Name.Lbl if index == 0 and len(parts) > 1 else pikepdf.Name.LBody
            inner = _structs(part.K)
            if len(inner) == 1 and str(inner[0].S) == "/LBody":  # WeasyPrint's LI > LBody
                part.K = inner[0].K
                for kid in _structs(part.K):
                    kid.P = part


def _list_item(tree: _Tree, element: Any) -> None:
    """An LI holds only Lbl and LBody: a paragraph or list inside `<li>` (WeasyPrint tags it
    as a kid of the LI) goes into the item's body, after what the body already holds."""
    pikepdf = tree.pikepdf

    def part(kid: Any) -> bool:
        return isinstance(kid, pikepdf.Dictionary) and str(kid.get("/S")) in ("/Lbl", "/LBody")

    kids = list(element.K)
    if all(part(kid) for kid in kids):
        return
    body = next((k for k in kids if part(k) and str(k.S) == "/LBody"), None)
    items: list[Any] = []
    for kid in kids:
        if part(kid):
            items.append(kid)
            continue
        if body is None:
            body = tree.pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, K=pikepdf.Array(), P=element
                )
            )
            if "/Pg" in element:
                body.Pg = element.Pg
            items.append(body)
        body.K.append(kid)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            kid.P = body
    element.K = pikepdf.Array(items)


def _row_headers(tree: _Tree, table: Any) -> None:
    """A row header cell (TH, /Scope /Row) names the column headers above it in /Headers, as
    data cells do, so that every header cell is referenced (WeasyPrint only maps TD). In a
    table with a cell that spans columns or rows (grouped column headings,
    `render/tablehead.py`) every data cell's /Headers is made again from the cells' places:
    WeasyPrint counts a spanning cell as one column, so "2024" over three columns named only
    the first and the cells after "Kommun" (two rows high) named the heading of the column
    to their left."""
    pikepdf = tree.pikepdf
    rows: list[Any] = []

    def visit(item: Any) -> None:
        for kid in _structs(item.K):
            if str(kid.S) == "/TR":
                rows.append(kid)
            elif str(kid.S) in ("/THead", "/TBody", "/TFoot"):
                visit(kid)

    visit(table)
    placed = _places([[c for c in _structs(row.K) if str(c.S) in ("/TH", "/TD")] for row in rows])
    spans = any(place.rows > 1 or place.columns > 1 for place in placed)
    heads = [p for p in placed if str(p.cell.S) == "/TH" and "/ID" in p.cell]
    for place in placed:
        cell = place.cell
        scope = str(cell.get("/KfsScope", "")) if str(cell.S) == "/TH" else ""
        if scope != "Row" and not (spans and str(cell.S) == "/TD"):
            continue
        names = [] if scope == "Row" else [h.cell.ID for h in heads if h.scope == "Row" and h.beside(place)]
        names += [h.cell.ID for h in heads if h.scope == "Column" and h.above(place)]
        if scope == "Row" and not names:
            continue
        attributes = cell.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary):
            attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            cell.A = attributes
        attributes.Headers = pikepdf.Array(names)


@dataclass
class _Place:
    """A table cell's place in the table's grid."""

    cell: Any
    row: int
    column: int
    rows: int
    columns: int

    @property
    def scope(self) -> str:
        return str(self.cell.get("/KfsScope", "Column"))

    def above(self, other: _Place) -> bool:
        """A header cell over (some of) `other`'s columns, in a row above it."""
        over = self.column < other.column + other.columns and other.column < self.column + self.columns
        return over and self.row + self.rows <= other.row

    def beside(self, other: _Place) -> bool:
        """A header cell in (some of) `other`'s rows, to its left."""
        level = self.row < other.row + other.rows and other.row < self.row + self.rows
        return level and self.column + self.columns <= other.column


def _places(rows: list[list[Any]]) -> list[_Place]:
    """Each cell's place, as HTML's table model counts it: a cell takes the first column of
    its row not yet taken by a cell above that spans rows."""
    taken: set[tuple[int, int]] = set()
    placed: list[_Place] = []
    for row, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while (row, column) in taken:
                column += 1
            attributes = cell.get("/A")
            spans = attributes if hasattr(attributes, "get") else {}
            height, width = int(spans.get("/RowSpan", 1)), int(spans.get("/ColSpan", 1))
            taken.update((row + r, column + c) for r in range(height) for c in range(width))
            placed.append(_Place(cell, row, column, height, width))
            column += width
    return placed


def _contents(tree: _Tree, element: Any) -> None:
    """The contents: TOC > TOCI > Reference > Link, one Link per entry holding every
    annotation and every piece of text of the entry, and entries of a deeper level inside
    the entry before them (TOC > TOCI > TOC > TOCI)."""
    pikepdf = tree.pikepdf
    entries = _structs(element.K)
    top: list[Any] = []
    stack: list[tuple[int, Any]] = []  # (level, TOCI)
    for entry in entries:
        level = int(str(entry.get("/KfsLevel", "1")) or 1)
        annotations, content = _gather(tree, entry, spoken=True)
        link = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Link)
        link = tree.pdf.make_indirect(link)
        for kid in content:
            if not isinstance(kid, tuple):
                kid.P = link
        reference = tree.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Reference, K=pikepdf.Array([link])
            )
        )
        link.P = reference
        _set_kids(tree, link, [*annotations, *content])
        entry.S = pikepdf.Name.TOCI
        entry.K = pikepdf.Array([reference])
        reference.P = entry
        if "/Pg" in link:
            reference.Pg = link.Pg
        while stack and stack[-1][0] >= level:
            stack.pop()
        if stack:
            owner = stack[-1][1]
            nested = _structs(owner.K)[-1] if _structs(owner.K) else None
            if nested is None or str(nested.S) != "/TOC":
                nested = tree.pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.StructElem, S=pikepdf.Name.TOC, K=pikepdf.Array(), P=owner
                    )
                )
                owner.K.append(nested)
            nested.K.append(entry)
            entry.P = nested
        else:
            top.append(entry)
            entry.P = element
        stack.append((level, entry))
    element.K = pikepdf.Array(top)


def _gather(tree: _Tree, element: Any, *, spoken: bool = False) -> tuple[list[Any], list[Any]]:
    """Every OBJR and every piece of marked content below `element`, in order; with `spoken`,
    an element with an `/ActualText` (what the tree reads there) stays whole instead."""
    annotations: list[Any] = []
    content: list[Any] = []
    for kid in tree.kids(element):
        if isinstance(kid, tuple):
            content.append(kid)
        elif kid.get("/Type") == "/OBJR":
            annotations.append(kid)
        elif spoken and "/ActualText" in kid:
            content.append(kid)
        else:
            more, text = _gather(tree, kid, spoken=spoken)
            annotations += more
            content += text
    return annotations, content


def _walk(element: Any) -> Iterator[Any]:
    """`element` and the structure elements below it, in reading order (pre-order). A stack,
    not recursion: a generator nested as deep as the tree passed each element up every level."""
    import pikepdf

    stack = [element]
    while stack:
        current = stack.pop()
        yield current
        kids = current.get("/K")
        if kids is None:
            continue
        found = [
            kid
            for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids])
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")
        ]
        stack.extend(reversed(found))


def _alias_headers(tree: _Tree, documents: list[Any]) -> None:
    """Cells that name a repeated header cell in /Headers name the header's first copy."""
    pikepdf = tree.pikepdf
    if not tree.id_alias:
        return
    for element in tree.walked:
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            names = [tree.id_alias.get(str(h), str(h)) for h in attributes.Headers]
            attributes.Headers = pikepdf.Array([pikepdf.String(n) for n in names])


def _parent_tree(tree: _Tree, root: Any, documents: list[Any]) -> None:
    """The parent tree from the repaired tree: each page's MCIDs, then each annotation."""
    pikepdf = tree.pikepdf
    per_page: list[dict[int, Any]] = [{} for _ in tree.pages]
    annotations: list[tuple[Any, Any]] = []
    for element in tree.walked:
        for kid in tree.kids(element):
            if isinstance(kid, tuple):
                per_page[kid[0]][kid[1]] = element
            elif kid.get("/Type") == "/OBJR":
                annotations.append((kid.Obj, element))
    nums: list[Any] = []
    for index, mapping in enumerate(per_page):
        tree.pages[index].StructParents = index
        top = max(mapping, default=-1)
        nums += [index, pikepdf.Array([mapping.get(m, None) for m in range(top + 1)])]
    seen: set[tuple[int, int]] = set()
    for annotation, element in annotations:
        if annotation.objgen in seen:
            continue
        seen.add(annotation.objgen)
        key = len(tree.pages) + len(seen) - 1
        annotation.StructParent = key
        nums += [key, element]
    root.ParentTree = tree.pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    root.ParentTreeNextKey = len(tree.pages) + len(seen)


def _id_tree(tree: _Tree, root: Any, documents: list[Any]) -> None:
    """ISO 32000-1 14.7.2: elements with an `/ID` are listed in the `/IDTree`."""
    pikepdf = tree.pikepdf
    ids: dict[str, Any] = {}
    for element in tree.walked:
        if "/ID" in element:
            ids[str(element.ID)] = element
    if "/IDTree" in root:
        del root["/IDTree"]
    if ids:
        names: list[Any] = []
        for key in sorted(ids):
            names += [pikepdf.String(key), ids[key]]
        root.IDTree = tree.pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))
