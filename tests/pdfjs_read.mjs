// What Firefox's PDF viewer (pdf.js) gives a screen reader from a tagged PDF: the structure
// tree (getStructTree) with the text of each marked-content sequence (getTextContent), an
// element's /ActualText or /Alt (pdf.js calls both "alt") in place of its content, and
// artifacts left out. Prints one line per block: page, role, language, text.
// Run by tests/test_spoken.py: node tests/pdfjs_read.mjs FILE.pdf
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const BLOCKS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "Lbl", "LBody", "TOCI"]);
["TD", "TH", "Caption", "Figure", "BlockQuote", "Note"].forEach((role) => BLOCKS.add(role));

const doc = await getDocument({ url: process.argv[2], verbosity: 0 }).promise;
const out = [];
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const texts = {};
  const stack = [];
  let last;
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      stack.push(item.tag === "Artifact" ? "Artifact" : item.id);
      if (item.id) texts[item.id] ??= "";
    } else if (item.type === "endMarkedContent") {
      stack.pop();
    } else if (item.str !== undefined && !stack.includes("Artifact")) {
      // A line's end (hasEOL) reads as a space; text outside marked content belongs to the last.
      const id = stack.findLast((x) => x) ?? last;
      if (id) texts[id] += item.str + (item.hasEOL ? " " : "");
      last = id ?? last;
    }
  }
  const tree = await page.getStructTree();
  const later = [];
  const text = (node) => {
    if (node.type === "content") return texts[node.id] ?? "";
    if (node.alt !== undefined) return node.alt;
    return (node.children || [])
      .map((kid) => (kid.role && BLOCKS.has(kid.role) ? (later.push(kid), "") : text(kid)))
      .join("");
  };
  const walk = (node) => {
    if (node.role && BLOCKS.has(node.role)) {
      out.push([number, node.role, node.lang || "", text(node).replace(/\s+/g, " ").trim()].join("\t"));
      while (later.length) walk(later.shift());
      return;
    }
    (node.children || []).forEach(walk);
  };
  if (tree) walk(tree);
}
console.log(out.join("\n"));
