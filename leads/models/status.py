"""A lead's review status: the states sales moves a submission through.

Which moves between them are allowed is the services' rule (`services.TRANSITIONS`).
"""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    QUALIFIED = "qualified", "Qualified"
    DISQUALIFIED = "disqualified", "Disqualified"
    HANDED_OFF = "handed_off", "Handed off"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    SPAM = "spam", "Spam (quarantined)"


OPEN_STATUSES = (Status.NEW, Status.IN_REVIEW, Status.QUALIFIED, Status.HANDED_OFF)
