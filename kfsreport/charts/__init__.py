"""Charts computed from the report's data: description (spec), numbers (compute), look (draw), SVG."""
