"""The form readers fill in: `LeadForm` holds what every CTA's form has (render token,
attribution, honeypot) and the rules of questions (conditions, steps); each CTA's own class
adds its questions' fields (`form_for`, built by leads/questions/build.py)."""

from django import forms

from ..cleaning import clip_url
from ..questions.build import QuestionFormBuilder, stored_value
from ..questions.definition import QuestionSet
from .recognition import profile_token, read_profile_token
from .tokens import form_token


class LeadForm(forms.Form):
    """Fields shared by every kind: the render token, the page, attribution and the honeypot.

    Only declared fields are read, so posted extras (status, owner, score, ids) are ignored.
    """

    # Accessible honeypot: hidden from sight and from assistive technology, out of the tab
    # order, labelled for the rare reader that reaches it anyway.
    website = forms.CharField(
        label="Leave this field empty", required=False, max_length=200, strip=False
    )
    # Which CTA, page and consent wording this render showed, and when (see tokens.py).
    token = forms.CharField(widget=forms.HiddenInput, max_length=300)
    # First touch of the visit, filled in by leads.js from sessionStorage (never a cookie).
    # No max_length: an overlong URL is clipped in clean(), not refused (sessionStorage would
    # post it again after every reload, so the reader could never send the form). The body
    # size limit (LEAD_MAX_BODY_BYTES) bounds it.
    first_landing = forms.CharField(widget=forms.HiddenInput, required=False)
    first_referrer = forms.CharField(widget=forms.HiddenInput, required=False)
    # The page the form was first sent from (an article, with its UTM parameters). Empty in the
    # rendered page; the submit view fills it in when a form comes back with an error, so that
    # the corrected resend, posted from /leads/cta/<id>/submit/, keeps the visit's attribution
    # without JavaScript (attribution.with_posted_from). Clipped like the two above.
    posted_from = forms.CharField(widget=forms.HiddenInput, required=False)
    # Progressive profiling: which questions a recognised person's form asks, signed
    # (recognition.py). Empty in the cached page, whose form asks the first-time questions.
    profile = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

    # Set on each CTA's built class (form_class_for).
    question_set = QuestionSet(())

    def __init__(self, cta, *args, page=None, through_step=None, asked=None, token=None, **kwargs):
        """`asked`: the names of the questions this form asks (a recognised person's, see
        recognition.asked_of); by default those a first-time visitor is asked, or those the
        posted profile token names. `token`: the render token to carry, when not a new one."""
        self.cta = cta
        # Validate only the steps up to this one (0-based): the "Next" of a multi-step form.
        self.through_step = through_step
        # Field ids unique per CTA, so that two CTAs on one page do not share them.
        kwargs.setdefault("auto_id", f"cta{cta.pk}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        if not self.is_bound:
            self.initial["token"] = token or form_token(
                cta.pk,
                page_id=page.pk if page else None,
                consent_version=cta.consent_version,
                campaign=getattr(page, "lead_campaign", ""),
            )
            if asked is not None:
                self.initial["profile"] = profile_token(cta.pk, asked)
        elif asked is None:
            asked = read_profile_token(str(self.data.get("profile", "")), cta.pk)
        if asked is None:
            asked = {q.name for q in self.question_set.asked if not q.queued}
        email = self.question_set.email_question
        asked = set(asked) | ({email.name} if email else set())  # who answers: always asked
        for question in self.question_set.asked:
            if question.name not in asked:
                del self.fields[question.name]
        # The questions this form asks, in order, and the steps they fall in (a step whose
        # questions are all known to a recognised person is left out).
        self.questions = [q for q in self.question_set.asked if q.name in self.fields]
        used = sorted({q.step for q in self.questions})
        self.step_titles = [self.question_set.step_titles[step] for step in used] or [""]
        self.step_of = {q.name: used.index(q.step) for q in self.questions}

    @property
    def asks_consent(self) -> bool:
        """A tick box shows the CTA's consent wording; without one, the wording is shown under
        the form as a notice (submitting is agreeing)."""
        return any(not q.text for q in self.questions if q.is_consent)

    @property
    def step_count(self) -> int:
        return len(self.step_titles)

    def full_clean(self):
        super().full_clean()
        if self.through_step is not None and self._errors is not None:
            for question in self.questions:
                # Later steps, and files: "Next" sends no file (the last step's send does).
                if self.step_of[question.name] > self.through_step or question.is_file:
                    self._errors.pop(question.name, None)
        if self._errors and self.through_step is None:
            for question in self.questions:
                if question.is_file and self.cleaned_data.get(question.name):
                    # A browser never fills a file input in again: say so, rather than have
                    # the resend arrive without it.
                    self.add_error(
                        question.name,
                        "Please choose this file again: files are not kept when the form comes "
                        "back to be corrected.",
                    )
        # Without JavaScript, the page comes back with the cursor in the first wrong field.
        for field in self.visible_answer_fields():
            if field.errors:
                field.field.widget.attrs["autofocus"] = True
                break

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist and any(
            len(getlist(name)) > 1
            for name, field in self.fields.items()
            if not isinstance(field, forms.MultipleChoiceField)
        ):
            raise forms.ValidationError(
                "The form arrived with a field repeated. Please check it and send it again.",
                code="repeated",
            )
        cleaned["first_landing"] = clip_url(cleaned.get("first_landing", ""))
        cleaned["first_referrer"] = clip_url(cleaned.get("first_referrer", ""))
        cleaned["posted_from"] = clip_url(cleaned.get("posted_from", ""))
        self._apply_conditions(cleaned)
        return cleaned

    def _apply_conditions(self, cleaned):
        """Answers to a question whose condition is not met are dropped (and its errors with
        them); a question shown by its condition must be answered if it is required."""
        shown = set()
        for question in self.questions:
            if question.show_if is None:
                shown.add(question.name)
                continue
            target, codes = question.show_if
            answer = cleaned.get(target)
            if isinstance(answer, bool):
                answer = ["yes" if answer else "no"]
            elif not isinstance(answer, list):
                answer = [answer] if answer not in (None, "") else []
            if target in shown and set(map(str, answer)) & set(codes):
                shown.add(question.name)
                empty = cleaned.get(question.name) in (None, "", [], False)
                if question.required and empty and question.name not in self._errors:
                    self.add_error(
                        question.name,
                        forms.ValidationError(
                            forms.Field.default_error_messages["required"], code="required"
                        ),
                    )
            else:
                cleaned.pop(question.name, None)
                self._errors.pop(question.name, None)
        self.shown = shown

    def is_shown(self, name: str) -> bool:
        return name in getattr(self, "shown", {name})

    @property
    def answers(self) -> dict:
        """What the reader answered, as stored on the submission: every question shown, but
        consents (see `consents`) and hidden fields (filled in by the capture)."""
        return {
            q.name: stored_value(self.cleaned_data.get(q.name, ""))
            for q in self.questions
            if not q.is_consent and self.is_shown(q.name)
        }

    @property
    def uploads(self) -> dict:
        """{question name: uploaded file} for each file question shown and answered."""
        return {
            q.name: self.cleaned_data[q.name]
            for q in self.questions
            if q.is_file and self.is_shown(q.name) and self.cleaned_data.get(q.name)
        }

    @property
    def consents(self) -> list[tuple[object, bool]]:
        """Each consent question shown, with whether the reader gave it."""
        return [
            (q, bool(self.cleaned_data.get(q.name)))
            for q in self.questions
            if q.is_consent and self.is_shown(q.name)
        ]

    def visible_answer_fields(self):
        return [self[q.name] for q in self.questions]

    def steps(self) -> list[dict]:
        """The questions by step, for the template: [{number, title, fields}]."""
        steps = [
            {"number": index + 1, "title": title, "fields": []}
            for index, title in enumerate(self.step_titles)
        ]
        for question in self.questions:
            steps[self.step_of[question.name]]["fields"].append(self[question.name])
        return steps

    @property
    def current_step(self) -> int:
        """The step a multi-step form shows first: the first with an error, else the one
        after the steps just checked, else the first."""
        if self.is_bound and self.errors:
            for question in self.questions:
                if question.name in self.errors:
                    return self.step_of[question.name]
        if self.through_step is not None and self.is_bound and not self.errors:
            return min(self.through_step + 1, self.step_count - 1)
        return 0


# Built form classes by (questions version, consent wording): a CTA's class is built once per
# process and definition, not on every render.
_CLASSES: dict[tuple[str, str], type] = {}


def form_class_for(cta) -> type["LeadForm"]:
    questions = cta.question_set
    key = (questions.version, cta.consent_version)
    form_class = _CLASSES.get(key)
    if form_class is None:
        builder = QuestionFormBuilder(questions, consent_text=cta.consent)
        attrs = {**builder.formfields, "question_set": questions}
        form_class = type("CTAForm", (LeadForm,), attrs)
        if len(_CLASSES) > 500:
            _CLASSES.clear()
        _CLASSES[key] = form_class
    return form_class


def form_for(cta, *args, **kwargs) -> "LeadForm":
    """The form of the CTA's questions (leads/questions/)."""
    return form_class_for(cta)(cta, *args, **kwargs)
