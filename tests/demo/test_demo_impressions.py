"""generate_leads --impressions: impression counts for the analytics benchmark."""

import io

from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

from leads.models import CTAImpression


def test_generate_leads_adds_impression_counts_once_per_cta_page_and_day(demo_site):
    before = CTAImpression.objects.count()
    out = io.StringIO()
    call_command("generate_leads", contacts=5, submissions=5, impressions=3000, stdout=out)
    assert "Generated 3000 CTA impression counts." in out.getvalue()
    assert CTAImpression.objects.count() == before + 3000
    duplicates = (
        CTAImpression.objects.values("day", "cta", "page").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert CTAImpression.objects.aggregate(last=Max("day"))["last"] == timezone.localdate()
