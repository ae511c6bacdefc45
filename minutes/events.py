"""What happened to minutes, for whoever listens (see directives/events.py)."""

from django.dispatch import Signal

# minutes=Minutes — sent round for certification until minutes.certify_deadline.
minutes_circulated = Signal()
# correction=CorrectionRequest — the secretariat accepted or rejected a correction request.
correction_decided = Signal()
