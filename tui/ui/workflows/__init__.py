"""The TUI's workflows: what the App runs when a screen posts an intent (tui/ui/intents.py).

Each is an async function that reads top to bottom — ask, act through the service, report, publish the new status —
and runs as an App worker, so leaving a screen never cancels a portal request that may already have been answered.
They reach the App only through ``Host`` (host.py), so nothing here imports tui.ui.app.
"""
