"""English date formats (settings.FORMAT_MODULE_PATH): day month year, as the pages first showed them.

Templates write `|date:"DATE_FORMAT"` so that each interface language has its own order; Chinese
keeps Django's (2023年7月30日).
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
