"""Every write to leads: one function per use case, one transaction each, by concern.

- capture: a form answer stored (contact, seat, consent, submission) and its follow-up written
- subscriptions: what a lead does through emailed links (opt-in, unsubscribe, download)
- review: the sales workflow (status, assignment, notes, release from quarantine)
- outbox: follow-up deliveries, their retries, and the seam to the task queue
- scoring: scores recomputed and the hot-lead alert
- erasure: a person forgotten on request, and the retention policy
- impressions, exports: CTA view counts, and the audit record of each export
- preferences: lists joined and left, all email stopped or resumed, from an email's links
- suppressions: addresses no email goes to (bounces, complaints, staff)
- engagement: the email engagement mailings computes from clicks, stored on the contact

Callers use the package (`from leads import services; services.submission_set_status(...)`):
every public name is re-exported here. Side effects leave through the outbox after the
transaction commits; services never import leads.tasks. docs/leads.md has the rules.
"""

from .capture import (
    PAGE_TITLE_SQL,
    CaptureResult,
    FormExpired,
    PageRef,
    RateLimited,
    WebinarFull,
    consent_text_for,
    consent_text_record,
    consent_wording,
    contact_upsert,
    follow_up_create,
    holds_seat,
    idempotency_key,
    lead_capture,
    page_for_submission,
    reserve_seat,
    submission_capture,
)
from .engagement import contact_engagement_set
from .erasure import (
    ERASE_BATCH,
    KEPT_UTM,
    SCRUBBED_FIELDS,
    RetentionResult,
    contacts_delete,
    day_start,
    erasing,
    names_someone,
    person_erase,
    retention_apply,
    retention_erase,
    scrub,
    sqlite_checkpoint,
    submissions_scrub,
)
from .exports import (
    export_record,
    person_export,
)
from .impressions import (
    IMPRESSION_UPSERT,
    impression_record,
)
from .outbox import (
    RETRYABLE,
    delivery_claim,
    delivery_failed,
    delivery_retry,
    delivery_succeeded,
    describe_error,
    retry_delay,
)
from .preferences import (
    contact_opt_in_again,
    contact_opt_out,
    list_join,
    list_leave,
    marketing_consent_record,
)
from .review import (
    REASON_REQUIRED,
    TRANSITIONS,
    BulkResult,
    allowed_transitions,
    assignment_notices_create,
    note_add,
    note_edit,
    submission_assign,
    submission_release,
    submission_set_status,
    submissions_assign,
    submissions_set_status,
)
from .scoring import (
    SCORE_BATCH,
    ScoringInputs,
    contact_hot_alert,
    contact_score_refresh,
    score_apply,
    scored_submissions,
    scores_recompute,
)
from .subscriptions import (
    contact_can_resubscribe,
    contact_resubscribe,
    contact_unsubscribe,
    download_record,
    last_unsubscribe,
    mailing_list_for,
    subscription_confirm,
    subscription_link_current,
    subscription_request,
)
from .suppressions import suppression_add, suppression_reason, suppression_remove

__all__ = [
    "ERASE_BATCH",
    "IMPRESSION_UPSERT",
    "KEPT_UTM",
    "PAGE_TITLE_SQL",
    "REASON_REQUIRED",
    "RETRYABLE",
    "SCORE_BATCH",
    "SCRUBBED_FIELDS",
    "TRANSITIONS",
    "BulkResult",
    "CaptureResult",
    "FormExpired",
    "PageRef",
    "RateLimited",
    "RetentionResult",
    "ScoringInputs",
    "WebinarFull",
    "allowed_transitions",
    "assignment_notices_create",
    "consent_text_for",
    "consent_text_record",
    "consent_wording",
    "contact_can_resubscribe",
    "contact_engagement_set",
    "contact_hot_alert",
    "contact_opt_in_again",
    "contact_opt_out",
    "contact_resubscribe",
    "contact_score_refresh",
    "contact_unsubscribe",
    "contact_upsert",
    "contacts_delete",
    "day_start",
    "delivery_claim",
    "delivery_failed",
    "delivery_retry",
    "delivery_succeeded",
    "describe_error",
    "download_record",
    "erasing",
    "export_record",
    "follow_up_create",
    "holds_seat",
    "idempotency_key",
    "impression_record",
    "last_unsubscribe",
    "lead_capture",
    "list_join",
    "list_leave",
    "mailing_list_for",
    "marketing_consent_record",
    "names_someone",
    "note_add",
    "note_edit",
    "page_for_submission",
    "person_erase",
    "person_export",
    "reserve_seat",
    "retention_apply",
    "retention_erase",
    "retry_delay",
    "score_apply",
    "scored_submissions",
    "scores_recompute",
    "scrub",
    "sqlite_checkpoint",
    "submission_assign",
    "submission_capture",
    "submission_release",
    "submission_set_status",
    "submissions_assign",
    "submissions_scrub",
    "submissions_set_status",
    "subscription_confirm",
    "subscription_link_current",
    "subscription_request",
    "suppression_add",
    "suppression_reason",
    "suppression_remove",
]
