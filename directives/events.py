"""What happened to directives, for whoever listens (the notifications app).

An explicit event bus, not model signals: the services send these inside their
transaction, after the change is made, with keyword arguments named below. A
listener that talks to the outside world must wait for the commit
(``transaction.on_commit``); this app never imports its listeners.
"""

from django.dispatch import Signal

# assignment=Assignment — a new agency share (also each member of a named group).
assignment_created = Signal()
# report=ProgressReport — an agency sent a report; it waits for the secretariat's review.
report_submitted = Signal()
# report=ProgressReport, accepted=bool — the secretariat accepted or returned a report.
report_reviewed = Signal()
