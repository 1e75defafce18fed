"""Invented people: names from short lists, made-up companies, email addresses at reserved
`.example` domains (RFC 2606), so no demo or bench row can reach, or describe, a real person."""

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Kiri", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tove",
    "Uma", "Victor", "Wen", "Yara", "Zoltan", "Aiko", "Bruno", "Carla", "Dario", "Emeka",
]  # fmt: skip
LAST_NAMES = [
    "Lima", "Okafor", "Brandt", "Castell", "Duval", "Eriksen", "Fontaine", "Gallo", "Haddad",
    "Ivanova", "Jansen", "Kowalski", "Laine", "Moreau", "Novak", "Oduya", "Petrov", "Quist",
    "Romero", "Sato", "Tanaka", "Ulloa", "Varga", "Weber", "Xu", "Yilmaz", "Zeller",
]  # fmt: skip
# Invented companies, each at a reserved .example domain.
COMPANIES = [
    ("Northwind Analytics", "northwind.example"),
    ("Bluefjord Logistics", "bluefjord.example"),
    ("Cobalt Ridge Software", "cobaltridge.example"),
    ("Dunmore Health", "dunmore-health.example"),
    ("Emberline Energy", "emberline.example"),
    ("Foxglove Retail", "foxglove.example"),
    ("Granite Peak Insurance", "granitepeak.example"),
    ("Harbourlight Media", "harbourlight.example"),
    ("Ironbark Manufacturing", "ironbark.example"),
    ("Juniper Lane Legal", "juniperlane.example"),
    ("Kestrel Robotics", "kestrel.example"),
    ("Lumen & Oak Architects", "lumenoak.example"),
    ("Marigold Travel", "marigold-travel.example"),
    ("Nimbus Payroll", "nimbuspayroll.example"),
    ("Orchard Row Foods", "orchardrow.example"),
    ("Pinecrest University", "pinecrest.example"),
    ("Quayside Property", "quayside.example"),
    ("Redwing Security", "redwing.example"),
    ("Saltmarsh Brewing", "saltmarsh.example"),
    ("Tidewater Freight", "tidewater.example"),
]
JOB_TITLES = [
    "Head of Marketing", "Marketing Manager", "Demand Generation Lead", "Sales Director",
    "Founder", "Operations Manager", "Content Strategist", "CMO", "Growth Analyst",
    "Marketing Coordinator",
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    company: str
    phone: str
    job_title: str


def invent_person(rng: random.Random, number: int | None = None) -> Person:
    """An invented person. With `number`, the email is unique for each number."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company, domain = rng.choice(COMPANIES)
    local = f"{first}.{last}" if number is None else f"{first}.{last}.{number}"
    return Person(
        name=f"{first} {last}",
        email=f"{local}@{domain}".lower(),
        company=company,
        # 555-0100 to 555-0199 are reserved for fiction.
        phone=f"+1 202 555 01{rng.randrange(100):02d}" if rng.random() < 0.6 else "",
        job_title=rng.choice(JOB_TITLES),
    )


def typed_email(rng: random.Random, email: str) -> str:
    """The address as a visitor might type it: now and then capitalised or with a stray space;
    the contact keeps it normalised."""
    roll = rng.random()
    if roll < 0.1:
        local, domain = email.split("@")
        return f"{local.title()}@{domain}"
    if roll < 0.15:
        return f" {email}"
    return email
