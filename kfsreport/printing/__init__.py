"""Stage 5, print: WeasyPrint in its own process, and the PDF's structure tree made to read right."""
