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


@register.filter
def count(value: int | None) -> str:
    """1234 → "1,234" (thousands separators everywhere a count is shown); None → "—"."""
    if value is None:
        return NOTHING
    return f"{value:,}"


@register.filter
def change(value: float | None) -> str:
    """0.125 → "+12.5 %", -0.03 → "\N{MINUS SIGN}3.0 %" (a true minus sign); None → "—"."""
    if value is None:
        return NOTHING
    sign = "+" if value > 0 else "\N{MINUS SIGN}" if value < 0 else "±"
    return f"{sign}{abs(value) * 100:.1f} %"
