"""What the lead inbox can be narrowed to: its filters, and the queries behind them.

The inbox is Wagtail's generic IndexView; this module gives it a django-filter FilterSet, so
the filters render in Wagtail's filter drawer, show as removable "active filter" pills and
refresh the list without a page load, like every Wagtail listing. Articles and their topics
are found through Wagtail's Page and taggit (see topics.py), so leads imports no page app.
"""

import django_filters
from django import forms
from django_filters.widgets import SuffixedMultiWidget
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ... import answers
from ...ids import IdModelChoiceField
from ...models import OPEN_STATUSES, CallToAction, CTAKind, Status, Submission
from ...permissions import lead_workers
from ...staff import user_label
from . import topics

# The review queue: what the inbox shows until someone asks for something else.
QUEUE_STATUSES = (Status.NEW, Status.IN_REVIEW)
OPEN = "open"
ALL_BUT_SPAM = "all"
MINE = "mine"
UNASSIGNED = "unassigned"


def status_choices() -> list[tuple[str, str]]:
    """Each status, then the usual groups of them; quarantine (spam) only when asked for."""
    return [
        (OPEN, "Open (all but closed and spam)"),
        (ALL_BUT_SPAM, "All but spam"),
        *((status.value, status.label) for status in Status if status != Status.SPAM),
        (Status.SPAM.value, "Quarantine (spam)"),
    ]


class StatusViewFilter(django_filters.ChoiceFilter):
    """Status, or a group of statuses. Left empty it means the review queue (new and in
    review), so the inbox opens on the work still to do."""

    def filter(self, qs, value):
        if value == OPEN:
            return qs.filter(status__in=OPEN_STATUSES)
        if value == ALL_BUT_SPAM:
            return qs.exclude(status=Status.SPAM)
        if value in Status.values:
            return qs.filter(status=value)
        return qs.filter(status__in=QUEUE_STATUSES)


class ScoreRangeWidget(SuffixedMultiWidget):
    """Minimum and maximum score. Unlike Wagtail's NumberRangeWidget it allows negative
    numbers: scoring rules can subtract points."""

    template_name = "wagtailadmin/widgets/range_input.html"
    suffixes = ["min", "max"]

    def __init__(self, attrs=None):
        super().__init__(
            (
                forms.NumberInput(attrs={"placeholder": "Minimum"}),
                forms.NumberInput(attrs={"placeholder": "Maximum"}),
            ),
            attrs,
        )

    def decompress(self, value):
        return [value.start, value.stop] if value else [None, None]


def owner_choices() -> list[tuple[str, str]]:
    return [
        (MINE, "Mine"),
        (UNASSIGNED, "Unassigned"),
        *((str(user.pk), user_label(user)) for user in lead_workers()),
    ]


def tag_choices() -> list[tuple[str, str]]:
    """Topics that articles carry, by name."""
    return [(tag.slug, tag.name) for tag in topics.topics_in_use()]


def article_choices(request):
    return topics.tagged_pages().order_by("title").only("pk", "title")


def answer_choices() -> list:
    """Every choice of every CTA's current choice questions, and the legacy budget and
    timeline, grouped by question: ("company_size:11-50", "Company size: 11-50 people")."""
    return [
        (
            field.label,
            [
                (f"{field.name}:{code}", answers.question_and_choice(field.label, label))
                for code, label in field.choices
            ],
        )
        for field in answers.choice_questions()
    ]


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A model chosen by id in the query string: an impossible id is an invalid choice (the
    filter shows its error), never a query (leads/ids.py)."""

    field_class = IdModelChoiceField


class InboxFilterSet(WagtailFilterSet):
    status = StatusViewFilter(
        label="Status",
        choices=status_choices,
        empty_label="Review queue (new and in review)",
        widget=forms.RadioSelect,
    )
    cta_kind = django_filters.ChoiceFilter(
        label="CTA kind", choices=CTAKind.choices, empty_label="All", widget=forms.RadioSelect
    )
    cta = IdChoiceFilter(
        label="Call to action",
        queryset=CallToAction.objects.order_by("title"),
        empty_label="All",
    )
    article = IdChoiceFilter(
        label="Article",
        queryset=article_choices,
        empty_label="All",
        method="filter_article",
    )
    tag = django_filters.ChoiceFilter(
        label="Article topic", choices=tag_choices, empty_label="All", method="filter_tag"
    )
    owner = django_filters.ChoiceFilter(
        label="Owner", choices=owner_choices, empty_label="Anyone", method="filter_owner"
    )
    score = django_filters.RangeFilter(
        label="Score", field_name="contact__score", widget=ScoreRangeWidget()
    )
    received = django_filters.DateFromToRangeFilter(
        label="Received", field_name="received_at", widget=DateRangePickerWidget()
    )
    answer = django_filters.ChoiceFilter(
        label="Answer",
        choices=answer_choices,
        empty_label="Any",
        method="filter_answer",
        help_text="Leads that picked this choice (among others, for a multiple choice).",
    )
    utm_source = django_filters.CharFilter(
        label="UTM source",
        lookup_expr="iexact",
        help_text="Exactly, in any case, e.g. 'linkedin'.",
    )
    utm_campaign = django_filters.CharFilter(
        label="UTM campaign",
        lookup_expr="iexact",
        help_text="Exactly, in any case, e.g. 'spring-ebook'.",
    )

    class Meta:
        model = Submission
        fields = []

    def filter_article(self, queryset, name, article):
        return queryset.filter(page_id=article.pk)

    def filter_tag(self, queryset, name, slug):
        return queryset.filter(page_id__in=topics.page_ids_tagged(slug))

    def filter_answer(self, queryset, name, value):
        question, _, code = value.partition(":")
        return queryset.answered(question, code)

    def filter_owner(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(owner=self.request.user)
        if value == UNASSIGNED:
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner_id=value)

    @property
    def status_view(self) -> str:
        """The status choice in force ("" for the review queue)."""
        if self.is_valid():
            return self.form.cleaned_data.get("status") or ""
        return ""
