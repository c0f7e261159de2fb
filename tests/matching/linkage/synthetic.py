"""Small synthetic populations with known truth, built in code, for linkage tests.

Each person has a clean record; a second source holds a copy of most people with the disagreements council sources
really show (known-as names, other transliterations, a double surname shortened, day and month swapped, a typo,
a move within the postcode sector), and some people of its own. Twins (same family, date of birth and address,
different given names) are there on purpose: linking them would hide a missing child behind an enrolled sibling.
"""

import random
from dataclasses import dataclass

import pandas as pd

GIVEN = (
    "William", "Margaret", "Alexandra", "Oliver", "Amelia", "Thomas", "Isabella", "Joseph", "Charlotte", "Henry",
    "Mohammed", "Yusuf", "Aisha", "Fatima", "Zainab", "Omar", "Oluwaseun", "Temitope", "Chiamaka", "Dmytro",
    "Katarzyna", "Jakub", "Zofia", "Harpreet", "Aditya", "Seán", "Róisín", "Łukasz", "João", "Inês", "Elizabeth",
    "Daniel", "Samuel", "Layla", "Maryam", "Ibrahim", "Nour", "Mustafa", "Sofiya", "Andriy", "Grace", "Ella",
    "Noah", "Leo", "Freya", "Evie", "Arthur", "Hugo", "Ruby", "Poppy", "Ava", "Mia", "Theo", "Jack", "Lily", "Jacob",
)  # fmt: skip
FAMILY = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan", "Ahmed", "Begum",
    "Ali-Hassan", "Santos da Silva", "Chowdhury", "Hoque", "Nowak", "Kowalski", "Wiśniewski", "O'Brien", "Murphy",
    "Okafor", "Adeyemi", "Mensah", "Kovalenko", "Shevchenko", "Yılmaz", "Şahin", "Singh", "Kaur", "Sharma", "Evans",
    "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
)  # fmt: skip
STREETS = ("Acacia Road", "Mill Lane", "Station Road", "Church Street", "Victoria Avenue", "Park Crescent")
# Known disagreements, each a (left, right) spelling that the same person can carry in two sources.
GIVEN_VARIANTS = {
    "William": "Billy", "Margaret": "Maggie", "Alexandra": "Aleksandra", "Mohammed": "Muhammad", "Yusuf": "Yousef",
    "Aisha": "Ayesha", "Joseph": "Joe", "Elizabeth": "Beth", "Oluwaseun": "Seun", "Seán": "Sean", "Łukasz": "Lukasz",
    "Fatima": "Fatimah", "Thomas": "Tom", "Katarzyna": "Kasia", "Sofiya": "Sofia", "Andriy": "Andrii",
}  # fmt: skip


@dataclass
class Population:
    """Two sources and the truth: `left` and `right` record frames, `matches` the (left_id, right_id) pairs of one
    person, `twins` pairs of left ids of twins, `hard` a few named pairs each showing one kind of disagreement."""

    left: pd.DataFrame
    right: pd.DataFrame
    matches: set[tuple[str, str]]
    twins: list[tuple[str, str]]
    hard: dict[str, tuple[str, str]]


def population(people: int = 400, *, seed: int = 6, overlap: float = 0.8) -> Population:
    rng = random.Random(seed)
    left_rows, right_rows, matches, twins, hard = [], [], set(), [], {}
    person = 0
    while person < people:
        family = rng.choice(FAMILY)
        household = _household(rng)
        born = pd.Timestamp("2010-09-01") + pd.Timedelta(days=rng.randrange(0, 12 * 365))
        children = 2 if rng.random() < 0.06 else 1
        given_names = rng.sample(GIVEN, children)
        for index, given in enumerate(given_names):
            record = {
                "id": f"L{person}",
                "given_name": given,
                "family_name": family,
                "date_of_birth": born.date().isoformat(),
                "sex": rng.choice("FM"),
                **household,
            }
            left_rows.append(record)
            if index == 1:
                twins.append((f"L{person - 1}", f"L{person}"))
            if rng.random() < overlap:
                copy, kind = _disagreeing_copy(record, rng)
                copy["id"] = f"R{person}"
                right_rows.append(copy)
                matches.add((record["id"], copy["id"]))
                hard.setdefault(kind, (record["id"], copy["id"]))
            person += 1
    for extra in range(people // 4):
        household = _household(rng)
        born = pd.Timestamp("2010-09-01") + pd.Timedelta(days=rng.randrange(0, 12 * 365))
        right_rows.append(
            {
                "id": f"R-only-{extra}",
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "date_of_birth": born.date().isoformat(),
                "sex": rng.choice("FM"),
                **household,
            }
        )
    rng.shuffle(right_rows)
    return Population(pd.DataFrame(left_rows), pd.DataFrame(right_rows), matches, twins, hard)


def _household(rng: random.Random) -> dict:
    number = rng.randrange(1, 200)
    district = rng.randrange(1, 9)
    postcode = (
        f"ZY{district} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    )
    return {
        "address": f"{number} {rng.choice(STREETS)}, Wyndley",
        "postcode": postcode,
        "uprn": str(999_000_000_000 + rng.randrange(1, 10**8)) if rng.random() < 0.7 else "",
    }


def _disagreeing_copy(record: dict, rng: random.Random) -> tuple[dict, str]:
    """A copy of `record` as another source might hold it, and the kind of disagreement it carries."""
    copy = dict(record)
    kind = rng.choice(("same", "known_as", "swap", "typo", "moved", "double_surname", "format", "case"))
    if kind == "known_as" and record["given_name"] in GIVEN_VARIANTS:
        copy["given_name"] = GIVEN_VARIANTS[record["given_name"]]
    elif kind == "swap":
        born = pd.Timestamp(record["date_of_birth"])
        if born.day <= 12 and born.day != born.month:
            copy["date_of_birth"] = born.replace(month=born.day, day=born.month).date().isoformat()
        else:
            kind = "same"
    elif kind == "typo":
        name = record["family_name"]
        position = rng.randrange(1, len(name) - 1)
        copy["family_name"] = name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    elif kind == "moved":
        copy.update(_household(rng))
        copy["postcode"] = record["postcode"][:-2] + "ZZ"
    elif kind == "double_surname" and " " in record["family_name"].replace("-", " "):
        copy["family_name"] = record["family_name"].replace("-", " ").split(" ")[-1]
    elif kind == "format":
        born = pd.Timestamp(record["date_of_birth"])
        copy["date_of_birth"] = born.strftime("%d/%m/%Y")
        copy["postcode"] = record["postcode"].replace(" ", "").lower()
        copy["uprn"] = record["uprn"].zfill(12) if record["uprn"] else ""
    elif kind == "case":
        copy["given_name"] = record["given_name"].upper()
        copy["family_name"] = record["family_name"].upper()
        copy["address"] = record["address"].upper().replace("ROAD", "RD")
    else:
        kind = "same"
    return copy, kind
