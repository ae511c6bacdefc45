"""Listens to the lower apps' events and queues messages once their transaction
has committed, so a request never waits on rendering, SMTP or LINE, and a rolled
back change notifies nobody."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from directives import events as directive_events
from minutes import events as minutes_events

from . import services


@receiver(directive_events.assignment_created, dispatch_uid="notify_assigned")
def on_assignment_created(sender, assignment, **kwargs):
    pk = assignment.pk
    transaction.on_commit(lambda: services.notify_assigned(assignment_id=pk), robust=True)


@receiver(directive_events.report_submitted, dispatch_uid="notify_report_submitted")
def on_report_submitted(sender, report, **kwargs):
    pk = report.pk
    transaction.on_commit(lambda: services.notify_report_submitted(report_id=pk), robust=True)


@receiver(directive_events.report_reviewed, dispatch_uid="notify_report_reviewed")
def on_report_reviewed(sender, report, accepted, **kwargs):
    pk = report.pk
    transaction.on_commit(lambda: services.notify_report_reviewed(report_id=pk, accepted=accepted), robust=True)


@receiver(minutes_events.minutes_circulated, dispatch_uid="notify_minutes_circulated")
def on_minutes_circulated(sender, minutes, **kwargs):
    pk = minutes.pk
    transaction.on_commit(lambda: services.notify_minutes_circulated(minutes_id=pk), robust=True)


@receiver(minutes_events.correction_decided, dispatch_uid="notify_correction_decided")
def on_correction_decided(sender, correction, **kwargs):
    pk = correction.pk
    transaction.on_commit(lambda: services.notify_correction_decided(correction_id=pk), robust=True)
