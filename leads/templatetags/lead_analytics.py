"""Number formats for the lead analytics screens: rates and money, "—" where undefined."""

from decimal import Decimal

from django import template

register = template.Library()

NOTHING = "—"


@register.filter
def percent(value: float | None) -> str:
    """0.125 → "12.5 %"; None (nothing to divide by) → "—"."""
    if value is None:
        return NOTHING
    return f"{value * 100:.1f} %"


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """Decimal("1234.5"), "USD" → "USD 1,234.50"; None (no leads to divide by) → "—"."""
    if value is None:
        return NOTHING
    return f"{currency} {value:,.2f}".strip()
