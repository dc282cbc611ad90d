"""allsource-tui: ArcGIS AllSource Named User licensing from the terminal."""

__version__ = "0.1.0"
