"""`allsource-tui doctor`: sign-in troubleshooting as a list of checks, UI-free (the CLI and the TUI render it).

``run_doctor`` runs every check and returns a DoctorReport; ``troubleshoot_text`` is the same report as plain text
for a LicensingService that is already open (what the sign-in window's "Troubleshoot" action shows).
"""

from tui.doctor.model import Check, DoctorReport
from tui.doctor.run import run_doctor, troubleshoot_text

__all__ = ["Check", "DoctorReport", "run_doctor", "troubleshoot_text"]
