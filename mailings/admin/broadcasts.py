"""Broadcasts in the admin: write one (name, email, list or segment), then on its page send it
now, schedule it or cancel it, watch its progress live, and read its report.

Every screen here shows counts, never people: editors work on email, not on leads' data.
Also lists this module's neighbours' viewsets (emails, lists, segments) in VIEWSETS, which
mailings/wagtail_hooks.py puts in the Email menu, and registers the audit-log actions.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from .. import audience, audit, reports, services
from ..models import Broadcast, BroadcastStatus, Email
from .emails import EmailViewSet
from .lists import MailingListViewSet
from .segments import SegmentViewSet

hooks.register("register_log_actions", audit.register_log_actions)

STARTED = (BroadcastStatus.SENDING, BroadcastStatus.SENT, BroadcastStatus.CANCELLED)


# Forms ------------------------------------------------------------------------------------


class BroadcastForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        mailing_list, segment = cleaned.get("mailing_list"), cleaned.get("segment")
        if mailing_list and segment:
            raise ValidationError("Choose a list or a segment, not both.")
        if not mailing_list and not segment and not self.errors:
            raise ValidationError("Choose who gets it: a list or a segment.")
        return cleaned


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label="Send at",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "at"
        ].help_text = f"In the site's time zone ({settings.TIME_ZONE}), e.g. tomorrow at 09:00."

    def clean_at(self):
        # The admin reads times in the user's own time zone (their profile); a broadcast's
        # time is the site's, as the help text says.
        naive = timezone.make_naive(self.cleaned_data["at"], timezone.get_current_timezone())
        at = timezone.make_aware(naive, timezone.get_default_timezone())
        if at <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return at


class LeadWindowForm(forms.Form):
    days = forms.IntegerField(
        label="Leads within (days)",
        min_value=1,
        max_value=365,
        initial=reports.DEFAULT_LEAD_WINDOW_DAYS,
        help_text="Count the leads recipients sent this many days after the email reached them.",
    )


# Views ------------------------------------------------------------------------------------


class BroadcastIndexView(IndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # A broadcast's name opens its page (send, schedule, progress, report), not the form.
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(
            field_name, column_class, get_url=self.get_inspect_url, **kwargs
        )

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("email", "mailing_list", "segment")


class BroadcastCreateView(CreateView):
    inspect_url_name = None

    def save_instance(self):
        data = self.form.cleaned_data
        return services.broadcast_create(
            name=data["name"],
            email=data["email"],
            mailing_list=data.get("mailing_list"),
            segment=data.get("segment"),
            by=self.request.user,
        )

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])


class BroadcastEditView(EditView):
    """Only a draft or a scheduled broadcast can change; any other opens its page."""

    def dispatch(self, request, *args, **kwargs):
        broadcast = get_object_or_404(Broadcast, pk=kwargs["pk"])
        if not broadcast.editable:
            messages.warning(
                request,
                f"“{broadcast}” is {broadcast.get_status_display().lower()}: it cannot change.",
            )
            return redirect(self.inspect_url_name, broadcast.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])


class BroadcastDeleteView(DeleteView):
    """Only a draft can be deleted: a broadcast that started keeps its sends, which its report
    and each recipient's unsubscribe link need."""

    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        broadcast = get_object_or_404(Broadcast, pk=kwargs["pk"])
        if broadcast.status != BroadcastStatus.DRAFT:
            messages.warning(request, f"Only a draft can be deleted; “{broadcast}” is not one.")
            return redirect(self.inspect_url_name, broadcast.pk)
        return super().dispatch(request, *args, **kwargs)


def site_time(moment):
    return timezone.localtime(moment, timezone.get_default_timezone())


def when(moment) -> str:
    """A moment as the broadcast screens show it: in the site's time zone, which it names."""
    return f"{site_time(moment):%a %d %b %Y, %H:%M %Z}" if moment else ""


class BroadcastView(InspectView):
    """A broadcast's page: what it sends to whom, its actions, its progress and its report."""

    template_name = "mailings/admin/broadcasts/detail.html"
    page_title = "Broadcast"
    progress_url_name = None
    action_url_names = None

    def get_page_subtitle(self):
        return str(self.object)

    def get_object(self, queryset=None):
        return get_object_or_404(
            Broadcast.objects.select_related("email", "mailing_list", "segment"), pk=self.pk
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        broadcast = self.object
        may_change = self.user_has_permission("change")
        actions = []
        if may_change and broadcast.editable:
            actions += [
                ("send_now", "Send now…", "button"),
                ("schedule", "Reschedule…" if broadcast.scheduled_for else "Schedule…", ""),
            ]
        if may_change and broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
            actions.append(("cancel", "Cancel sending…", "no"))
        context.update(
            broadcast=broadcast,
            scheduled_for=when(broadcast.scheduled_for),
            started_at=when(broadcast.started_at),
            finished_at=when(broadcast.finished_at),
            actions=[
                (reverse(self.action_url_names[name], args=[broadcast.pk]), label, style)
                for name, label, style in actions
            ],
            edit_url=self.get_edit_url() if broadcast.editable else None,
            email_url=reverse(Email.snippet_viewset.get_url_name("edit"), args=[broadcast.email_id])
            if self.request.user.has_perm("mailings.change_email")
            else None,
            time_zone=settings.TIME_ZONE,
        )
        if broadcast.status in STARTED:
            context["progress"] = reports.progress(broadcast.sends.all())
            context["progress_url"] = reverse(self.progress_url_name, args=[broadcast.pk])
            context["live"] = broadcast.status == BroadcastStatus.SENDING
            context["finished"] = not context["live"]
        else:
            context["eligible"] = audience.broadcast_recipients(broadcast).count()
            context["live"] = broadcast.status == BroadcastStatus.SCHEDULED
            context["progress_url"] = reverse(self.progress_url_name, args=[broadcast.pk])
        if broadcast.started_at:
            window = LeadWindowForm(self.request.GET or None)
            days = (
                window.cleaned_data["days"]
                if window.is_valid()
                else reports.DEFAULT_LEAD_WINDOW_DAYS
            )
            if not self.request.GET:
                window = LeadWindowForm(initial={"days": days})
            context["report"] = reports.outcomes(broadcast.sends.all(), days)
            context["window_form"] = window
        return context


class ProgressView(PermissionCheckedMixin, TemplateView):
    """GET: the broadcast's status and send counts as JSON, for the page's live progress
    (static/mailings/admin/progress.js). Counts only."""

    model = Broadcast
    any_permission_required = ["add", "change", "view"]

    def get(self, request, pk):
        broadcast = get_object_or_404(Broadcast, pk=pk)
        counts = reports.progress(broadcast.sends.all())
        return JsonResponse(
            {
                "status": broadcast.status,
                "status_label": broadcast.get_status_display(),
                "live": broadcast.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING),
                **counts,
            }
        )


class BroadcastActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A confirmation page (GET) for one of a broadcast's actions, done on POST."""

    model = Broadcast
    permission_required = "change"
    template_name = "mailings/admin/broadcasts/action.html"
    header_icon = "mail"
    inspect_url_name = None
    index_url_name = None
    submit_label = ""
    submit_style = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.broadcast = get_object_or_404(
            Broadcast.objects.select_related("email", "mailing_list", "segment"), pk=kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.broadcast)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse(self.index_url_name), "label": "Broadcasts"},
            {
                "url": reverse(self.inspect_url_name, args=[self.broadcast.pk]),
                "label": str(self.broadcast),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_form(self):
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            broadcast=self.broadcast,
            form=kwargs.pop("form", None) or self.get_form(),
            back_url=reverse(self.inspect_url_name, args=[self.broadcast.pk]),
            submit_label=self.submit_label,
            submit_style=self.submit_style,
            scheduled_for=when(self.broadcast.scheduled_for),
            time_zone=settings.TIME_ZONE,
            **kwargs,
        )

    def post(self, request, pk):
        form = self.get_form()
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            message = self.act(form)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(self.inspect_url_name, self.broadcast.pk)


class SendNowView(BroadcastActionView):
    page_title = "Send now"
    submit_label = "Send now"

    def get_context_data(self, **kwargs):
        count = audience.broadcast_recipients(self.broadcast).count()
        return super().get_context_data(eligible=count, **kwargs)

    def act(self, form) -> str:
        services.broadcast_send_now(broadcast=self.broadcast, by=self.request.user)
        return f"“{self.broadcast}” is on its way: sending starts within seconds."


class ScheduleView(BroadcastActionView):
    page_title = "Schedule"
    submit_label = "Schedule"

    def get_form(self):
        initial = {}
        if self.broadcast.scheduled_for:
            initial["at"] = site_time(self.broadcast.scheduled_for)
        return ScheduleForm(self.request.POST or None, initial=initial)

    def get_context_data(self, **kwargs):
        count = audience.broadcast_recipients(self.broadcast).count()
        return super().get_context_data(eligible=count, **kwargs)

    def act(self, form) -> str:
        broadcast = services.broadcast_schedule(
            broadcast=self.broadcast, at=form.cleaned_data["at"], by=self.request.user
        )
        return f"“{broadcast}” will be sent {when(broadcast.scheduled_for)}."


class CancelView(BroadcastActionView):
    page_title = "Cancel sending"
    submit_label = "Cancel sending"
    submit_style = "no"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cancelling=True, progress=reports.progress(self.broadcast.sends.all()), **kwargs
        )

    def act(self, form) -> str:
        services.broadcast_cancel(broadcast=self.broadcast, by=self.request.user)
        return f"“{self.broadcast}” is cancelled: nothing more of it goes out."


# The viewset ------------------------------------------------------------------------------


def audience_label(broadcast) -> str:
    if broadcast.mailing_list_id:
        return f"List: {broadcast.mailing_list}"
    if broadcast.segment_id:
        return f"Segment: {broadcast.segment}"
    return "-"


class BroadcastViewSet(ModelViewSet):
    model = Broadcast
    name = "mailings_broadcasts"
    url_prefix = "email/broadcasts"
    icon = "mail"
    menu_label = "Broadcasts"
    menu_order = 200
    add_to_admin_menu = False
    inspect_view_enabled = True
    index_view_class = BroadcastIndexView
    add_view_class = BroadcastCreateView
    edit_view_class = BroadcastEditView
    delete_view_class = BroadcastDeleteView
    inspect_view_class = BroadcastView
    inspect_template_name = "mailings/admin/broadcasts/detail.html"
    list_filter = ["status"]
    search_fields = ["name"]
    list_display = [
        "name",
        Column("email", label="Email", accessor="email"),
        Column("audience", label="Audience", accessor=audience_label),
        "status",
        "scheduled_for",
        "audience_size",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("email"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("mailing_list"), FieldPanel("segment")])],
                heading="Who gets it: a list or a segment",
            ),
        ],
        base_form_class=BroadcastForm,
    )
    actions = {
        "send_now": SendNowView,
        "schedule": ScheduleView,
        "cancel": CancelView,
    }

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            progress_url_name=self.get_url_name("progress"),
            action_url_names={name: self.get_url_name(name) for name in self.actions},
            **kwargs,
        )

    def get_urlpatterns(self):
        action_kwargs = {
            "inspect_url_name": self.get_url_name("inspect"),
            "index_url_name": self.get_url_name("index"),
        }
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/progress/", ProgressView.as_view(), name="progress"),
            *(
                path(f"<int:pk>/{name}/", view.as_view(**action_kwargs), name=name)
                for name, view in self.actions.items()
            ),
        ]


VIEWSETS = (
    EmailViewSet(),
    BroadcastViewSet(),
    MailingListViewSet(),
    SegmentViewSet(),
)
