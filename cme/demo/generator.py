"""Seeded synthetic borough for demos, tests and benchmarks: schools, families and school rolls as plain dataclasses."""

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate, pairwise

from nhs_number import calculate_checksum
from stdnum.gb import upn as stdnum_upn

from cme.people.ages import (
    compulsory_school_age_end,
    compulsory_school_age_start,
    is_compulsory_school_age,
    national_curriculum_year,
    school_year_start,
)

from .names import (
    BUILDING_SUFFIXES,
    ENGLISH_KNOWN_AS,
    HOUSE_NAMES,
    LOCALITIES,
    NICKNAMES,
    ORIGIN_HERITAGE,
    POOLS,
    POOLS_BY_KEY,
    SAINTS,
    SCHOOL_PLACES,
    STREET_STEMS,
    STREET_SUFFIXES,
    TOWN,
    NamePool,
    feminine_surname,
)

__all__ = [
    "BOROUGH_NAME",
    "DEFAULT_TODAY",
    "LA_CODE",
    "LA_NAME",
    "POSTCODE_AREA",
    "RELATIONSHIPS",
    "UPRN_FIRST",
    "AddressRecord",
    "Borough",
    "CarerRecord",
    "ChildRecord",
    "EnrolmentRecord",
    "HouseholdRecord",
    "RelationshipRecord",
    "SchoolRecord",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "generate_borough",
    "is_compulsory_school_age",
    "school_year_start",
    "year_group_for",
]

# Never the wall clock: the same arguments must give the same borough on any day.
DEFAULT_TODAY = date(2026, 11, 1)
BOROUGH_NAME = "Borough of Wyndley"
LA_NAME = "Wyndley"
# The borough is fictional, but a UPN must carry an LA number that python-stdnum knows. 928 was Northamptonshire's;
# it was retired when the county split into North and West Northamptonshire (940 and 941) in April 2021, so no
# authority issues new UPNs under it today.
LA_CODE = "928"
# "ZY" is not a UK postcode area (the only area beginning with Z is ZE, Shetland) yet it fits the standard postcode
# pattern, so generated postcodes validate while no generated address can ever be a real one.
POSTCODE_AREA = "ZY"
# UPRNs are 12 digits from 999 000 000 001 upwards: far above the ranges councils have been allocated, which begin
# with 1 or 2 when they run to 12 digits, so a synthetic UPRN never names a real property.
UPRN_FIRST = 999_000_000_001
# URNs from 990001 and UKPRNs from 19990001 sit well clear of the numbers issued to real schools (URNs from 100000,
# still far below 990000; UKPRNs in the 100xxxxx block).
URN_FIRST = 990_001
UKPRN_FIRST = 19_990_001

RELATIONSHIPS = ("mother", "father", "step-parent", "grandparent", "aunt/uncle", "foster carer", "other")

# Ofcom's numbers reserved for drama: they are never allocated, so a synthetic carer can never ring a real person.
_MOBILE_FORMAT = "07700 900{:03d}"
_LANDLINE_FORMATS = (
    "0113 496 0{:03d}",
    "0114 496 0{:03d}",
    "0115 496 0{:03d}",
    "0116 496 0{:03d}",
    "0117 496 0{:03d}",
    "0118 496 0{:03d}",
    "0121 496 0{:03d}",
    "0131 496 0{:03d}",
    "0141 496 0{:03d}",
    "0151 496 0{:03d}",
    "0161 496 0{:03d}",
    "020 7946 0{:03d}",
    "01632 960{:03d}",
)
# RFC 2606 reserves these domains: mail to them can never reach anyone.
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_OTHER_LA_NUMBERS = tuple(sorted(str(n) for n in stdnum_upn._la_numbers if str(n) != LA_CODE))
_POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters allowed in the last two places of a postcode

# Relative numbers of children by year group: most are of compulsory school age; fewer nursery and sixth-form pupils.
_YEAR_GROUP_WEIGHTS = {-1: 0.5, **{y: 1.0 for y in range(12)}, 12: 0.6, 13: 0.5}
_HOUSEHOLD_STRUCTURES = (
    ("couple", 52),
    ("single_mother", 25),
    ("single_father", 3),
    ("step", 9),
    ("grandparents", 4),
    ("kinship", 2),
    ("foster", 3),
    ("same_sex", 2),
)
_CHILDREN_PER_HOUSEHOLD = ((1, 42), (2, 34), (3, 15), (4, 6), (5, 2), (6, 1))
_TWIN_RATE = 0.035
_MIXED_COUPLE_RATE = 0.1

# Household histories, as shares of households.
_MOVED_WITHIN_RATE = 0.18
_MOVED_FROM_ENGLAND_RATE = 0.08
_MOVED_FROM_ABROAD_RATE = 0.04
_MOVED_AWAY_RATE = 0.015
_MISSING_HOUSEHOLD_RATE = 0.012
_MISSING_NEW_ARRIVAL_RATE = 0.25  # households from abroad in the last year, still waiting for a school place
_HOME_EDUCATING_RATE = 0.008
_MISSING_CHILD_RATE = 0.003  # a single child off every roll in an otherwise settled family


# ---------------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    """One establishment as the national register (GIAS) describes it; `laestab` joins it to UPNs and CTFs."""

    urn: str
    ukprn: str
    la_code: str
    la_name: str
    establishment_number: str
    name: str
    type_code: int
    type_name: str
    type_group_code: int
    type_group: str
    status_code: int
    status: str
    open_date: date | None
    close_date: date | None
    phase_code: int
    phase_name: str
    statutory_low_age: int
    statutory_high_age: int
    gender: str
    sixth_form: bool
    nursery_provision: bool
    religious_character: str
    trust_name: str
    street: str
    locality: str
    address3: str
    town: str
    postcode: str
    uprn: str
    telephone: str
    website: str
    head_title: str
    head_first_name: str
    head_last_name: str
    number_of_pupils: int
    capacity: int

    @property
    def laestab(self) -> str:
        return self.la_code + self.establishment_number

    @property
    def is_open(self) -> bool:
        return self.status == "Open"

    def serves_year_group(self, year_group: int) -> bool:
        """True if a pupil in `year_group` (-1 nursery, 0 reception, 1..13) is within the school's age range.

        Pupils are year group + 4 at the start of the school year and year group + 5 by its end: a primary with
        ages 4 to 11 takes reception (4, turning 5) to year 6 (10, turning 11).
        """
        return self.statutory_low_age <= year_group + 4 and year_group + 5 <= self.statutory_high_age

    def admits(self, sex: str) -> bool:
        return self.gender == "Mixed" or (self.gender == "Girls") == (sex == "F")


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A residential address: BS7666-style parts, and the two display lines the loader stores."""

    id: str
    uprn: str
    line1: str
    line2: str
    town: str
    postcode: str
    sub_building: str = ""
    building_name: str = ""
    building_number: str = ""
    street: str = ""
    locality: str = ""


@dataclass(frozen=True, slots=True)
class CarerRecord:
    """A parent or other adult who cares for a child. `household_id` is blank for a parent living elsewhere."""

    id: str
    title: str
    given_name: str
    middle_names: str
    family_name: str
    sex: str
    date_of_birth: date
    marital_status: str
    phone_mobile: str
    phone_home: str
    email: str
    name_origin: str
    household_id: str = ""


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """A child of the borough with the truth flags a matching or casework test can be scored against.

    `name_origin` is the origin group of the pool the given name came from. `on_roll` means a current enrolment at a
    school in the register. `missing_education` means of compulsory school age on `today`, living in the borough, on
    no roll and not home educated. Blank strings mean "not known": a child new to the country has no UPN yet and may
    have no NHS number.
    """

    id: str
    given_name: str
    middle_names: str
    family_name: str
    preferred_name: str
    former_family_name: str
    sex: str
    date_of_birth: date
    year_group: int
    upn: str
    former_upn: str
    nhs_number: str
    ethnicity: str
    name_origin: str
    sen_provision: str
    household_id: str
    on_roll: bool
    missing_education: bool
    moved_away: bool
    home_educated: bool = False
    twin_of: str = ""


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """Children and the carers they live with at one address.

    `moved_in` is when the household came to `address_id` (None if long-settled); `previous_address_id` is set when
    they moved within the borough. `moved_from` is "", "borough", "england" or "abroad". `moved_out` is set when the
    whole household has left the borough; `address_id` is then their last known address here.
    """

    id: str
    address_id: str
    previous_address_id: str | None
    moved_in: date | None
    carer_ids: tuple[str, ...]
    child_ids: tuple[str, ...]
    structure: str
    moved_from: str = ""
    moved_out: date | None = None


@dataclass(frozen=True, slots=True)
class RelationshipRecord:
    """How a carer is related to a child (one of RELATIONSHIPS), and whether they hold parental responsibility."""

    carer_id: str
    child_id: str
    relationship: str
    parental_responsibility: bool
    lives_with: bool


@dataclass(frozen=True, slots=True)
class EnrolmentRecord:
    """A place on a school's admission register: status C (single), M (main dual) or S (subsidiary dual)."""

    child_id: str
    school_urn: str
    status: str
    start_date: date
    leave_date: date | None
    deletion_ground: str | None


@dataclass(frozen=True, slots=True)
class Borough:
    """Everything `generate_borough` produced; equal arguments give an equal Borough."""

    name: str
    la_code: str
    la_name: str
    town: str
    postcode_area: str
    seed: int
    today: date
    schools: list[SchoolRecord]
    addresses: list[AddressRecord]
    households: list[HouseholdRecord]
    carers: list[CarerRecord]
    children: list[ChildRecord]
    relationships: list[RelationshipRecord]
    enrolments: list[EnrolmentRecord]


# ---------------------------------------------------------------------------------------------------------------
# School years and terms (compulsory school age and year groups come from cme.people.ages, domain.md 1.4)


def year_group_for(date_of_birth: date, school_year: int) -> int:
    """National curriculum year in the school year starting in `school_year` (-1 nursery, 0 reception).

    >>> year_group_for(date(2015, 9, 1), 2026), year_group_for(date(2016, 8, 31), 2026)
    (6, 6)
    """
    return national_curriculum_year(date_of_birth, date(school_year, 9, 1))


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _term_start(year: int) -> date:
    """The first day of the autumn term beginning in `year`."""
    return _weekday_on_or_after(date(year, 9, 3))


def _term_end(year: int) -> date:
    """The last day of the summer term ending in `year`."""
    return _weekday_on_or_before(date(year, 7, 21))


def _ascii_fold(text: str) -> str:
    """Letters without diacritics, for e-mail addresses; letters such as Ł do not decompose, so are mapped by hand."""
    text = text.translate(str.maketrans({"Ł": "L", "ł": "l", "ı": "i", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# ---------------------------------------------------------------------------------------------------------------
# Identifiers


def _upn(body: str) -> str:
    """Prefix the mod-23 check letter (DfE UPN guide; python-stdnum's calc_check_digit)."""
    return stdnum_upn.calc_check_digit(body) + body


class _UpnIssuer:
    """Issues unique UPNs the way schools do: LA number, establishment number, year of issue, serial."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._serials: dict[str, int] = {}
        self._used: set[str] = set()

    def permanent(self, la: str, estab: str, year: int) -> str:
        prefix = f"{la}{estab}{year % 100:02d}"
        serial = self._serials.get(prefix)
        if serial is None:
            serial = self._rng.randint(0, 150)  # a school's serials do not start at our first pupil
        while serial <= 999:
            body = f"{prefix}{serial:03d}"
            serial += 1
            if body not in self._used:
                self._serials[prefix] = serial
                self._used.add(body)
                return _upn(body)
        self._serials[prefix] = serial
        return self.from_elsewhere(year)  # this school-year ran out of serials: issued by another school instead

    def from_elsewhere(self, year: int) -> str:
        """A permanent UPN issued by a school in another LA, before the child came to the borough."""
        while True:
            la = self._rng.choice(_OTHER_LA_NUMBERS)
            body = f"{la}{self._rng.randint(2000, 5999):04d}{year % 100:02d}{self._rng.randint(0, 999):03d}"
            if body not in self._used:
                self._used.add(body)
                return _upn(body)

    def temporary(self, la: str, estab: str, year: int) -> str:
        """A temporary UPN: a two-digit serial and a letter in place of the three-digit serial."""
        while True:
            body = f"{la}{estab}{year % 100:02d}{self._rng.randint(0, 99):02d}{self._rng.choice(_UPN_LETTERS)}"
            if body not in self._used:
                self._used.add(body)
                return _upn(body)


class _NhsNumberIssuer:
    """Unique NHS numbers from the 999 test range only, so none can belong to a real patient."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def issue(self) -> str:
        while True:
            body = f"999{self._rng.randrange(1_000_000):06d}"
            check = calculate_checksum(body)
            if check != 10 and body not in self._used:  # a check digit of 10 means the body cannot be used
                self._used.add(body)
                return f"{body}{check}"


class _Drawer:
    """Deals values from a pool in shuffled rounds: unique until the pool runs out, then reused evenly."""

    def __init__(self, rng: random.Random, pool: Sequence[str]) -> None:
        self._rng = rng
        self._pool = list(pool)
        self._next = len(self._pool)

    def draw(self) -> str:
        if self._next >= len(self._pool):
            self._rng.shuffle(self._pool)
            self._next = 0
        value = self._pool[self._next]
        self._next += 1
        return value


# ---------------------------------------------------------------------------------------------------------------
# Addresses


class _AddressBook:
    """Invents streets in the fictional town and hands out addresses along them, a postcode to every few doors."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        streets = [f"{stem} {suffix}" for stem in STREET_STEMS for suffix in STREET_SUFFIXES]
        rng.shuffle(streets)
        self._base = tuple(streets)
        self._streets = streets
        self._street_index = -1
        self._street = ""
        self._district = 0
        self._number = 0
        self._last_number = 0
        self._postcode = ""
        self._block = -1
        self._flats_left = 0
        self._building = ""
        self._flat = 0
        self._uprn = UPRN_FIRST
        self._units: dict[int, list[str]] = {}
        self.addresses: list[AddressRecord] = []
        self._next_street()

    def _next_street(self) -> None:
        self._street_index += 1
        if self._street_index >= len(self._streets):  # a very large borough: reuse names with a prefix
            prefix = ("Upper", "Lower", "Little", "Great", "Old", "New")[len(self._streets) // len(self._base) % 6]
            self._streets += [f"{prefix} {name}" for name in self._base]
        self._street = self._streets[self._street_index]
        self._district = self._street_index % 9 + 1
        self._number = 0
        self._last_number = self._rng.randint(12, 160)
        self._block = -1

    def _new_postcode(self) -> str:
        units = self._units.setdefault(self._district, [])
        if not units:  # every sector of the district, in a shuffled order so neighbours differ in more than one letter
            letters = [a + b for a in _POSTCODE_UNIT_LETTERS for b in _POSTCODE_UNIT_LETTERS]
            units.extend(f"{sector}{pair}" for sector in range(10) for pair in letters)
            self._rng.shuffle(units)
        return f"{POSTCODE_AREA}{self._district} {units.pop()}"

    def _next_uprn(self) -> str:
        self._uprn += self._rng.randint(1, 40)  # gaps, as in real allocations
        return str(self._uprn)

    @property
    def district(self) -> int:
        return self._district

    def new_home(self) -> AddressRecord:
        """A new, unique residential address."""
        rng = self._rng
        if self._flats_left:
            return self._new_flat()
        if self._number >= self._last_number:
            self._next_street()
        roll = rng.random()
        if roll < 0.07:  # a block of flats: its flats come one after another and share a postcode
            self._number += 1
            self._building = f"{rng.choice(STREET_STEMS)} {rng.choice(BUILDING_SUFFIXES)}"
            self._flats_left = rng.randint(6, 30)
            self._flat = 0
            self._postcode = self._new_postcode()
            return self._new_flat()
        self._number += rng.choice((1, 1, 2))
        block = self._number // 14
        if block != self._block:
            self._block = block
            self._postcode = self._new_postcode()
        if roll < 0.085:  # a named house; the number keeps two "Rose Cottage"s on one street apart
            return self._record(building_name=rng.choice(HOUSE_NAMES), building_number=str(self._number))
        return self._record(building_number=str(self._number))

    def _new_flat(self) -> AddressRecord:
        self._flats_left -= 1
        self._flat += 1
        return self._record(sub_building=f"Flat {self._flat}", building_name=self._building)

    def _record(self, *, sub_building: str = "", building_name: str = "", building_number: str = "") -> AddressRecord:
        locality = LOCALITIES[self._district - 1]
        if sub_building:
            line1, line2 = f"{sub_building}, {building_name}", self._street
        elif building_name:
            line1, line2 = building_name, f"{building_number} {self._street}"
        else:
            line1, line2 = f"{building_number} {self._street}", locality
        address = AddressRecord(
            id=f"A{len(self.addresses) + 1:06d}",
            uprn=self._next_uprn(),
            line1=line1,
            line2=line2,
            town=TOWN,
            postcode=self._postcode,
            sub_building=sub_building,
            building_name=building_name,
            building_number=building_number,
            street=self._street,
            locality=locality,
        )
        self.addresses.append(address)
        return address

    def school_site(self, district: int) -> tuple[str, str, str, str]:
        """Street, locality, postcode and UPRN for a school in `district`; not a residential address."""
        street = f"{self._rng.choice(STREET_STEMS)} {self._rng.choice(('Road', 'Lane', 'Avenue', 'Way'))}"
        saved = self._district
        self._district = district
        postcode = self._new_postcode()
        self._district = saved
        return street, LOCALITIES[district - 1], postcode, self._next_uprn()


# ---------------------------------------------------------------------------------------------------------------
# Schools

_LA_MAINTAINED = (4, "Local authority maintained schools")
_ACADEMIES = (10, "Academies")
_SPECIAL_SCHOOLS = (5, "Special schools")
# (type code, type name, group) as GIAS spells them.
_COMMUNITY = (1, "Community school", _LA_MAINTAINED)
_VOLUNTARY_AIDED = (2, "Voluntary aided school", _LA_MAINTAINED)
_VOLUNTARY_CONTROLLED = (3, "Voluntary controlled school", _LA_MAINTAINED)
_FOUNDATION = (5, "Foundation school", _LA_MAINTAINED)
_FOUNDATION_SPECIAL = (12, "Foundation special school", _SPECIAL_SCHOOLS)
_PUPIL_REFERRAL_UNIT = (14, "Pupil referral unit", _LA_MAINTAINED)
_ACADEMY_SPONSOR_LED = (28, "Academy sponsor led", _ACADEMIES)
_ACADEMY_CONVERTER = (34, "Academy converter", _ACADEMIES)
_PRIMARY_TYPES = (
    (_COMMUNITY, 45),
    (_VOLUNTARY_CONTROLLED, 10),
    (_VOLUNTARY_AIDED, 18),
    (_FOUNDATION, 5),
    (_ACADEMY_CONVERTER, 16),
    (_ACADEMY_SPONSOR_LED, 6),
)
_SECONDARY_TYPES = ((_ACADEMY_CONVERTER, 50), (_ACADEMY_SPONSOR_LED, 20), (_COMMUNITY, 15), (_VOLUNTARY_AIDED, 15))
_TRUSTS = ("Wyndley Learning Trust", "Pennine Valley Academies", "St Hilda’s Catholic Academy Trust")
_PHASES = {"Primary": 2, "Secondary": 4, "All-through": 7, "Not applicable": 0}


@dataclass(slots=True)
class _SchoolPlan:
    """A school before its address, head and pupil numbers are settled."""

    kind: str  # primary, secondary, all_through, special, pru
    kind_of_type: tuple[int, str, tuple[int, str]]
    name: str
    estab_range: tuple[int, int]
    nursery: bool = False
    sixth_form: bool = False
    gender: str = "Mixed"
    religion: str = "Does not apply"
    open_date: date | None = None
    close_date: date | None = None


class _SchoolNamer:
    """Unique, invented school names; the first one always carries a typographic apostrophe (Windows-1252 0x92)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        places = list(SCHOOL_PLACES)
        rng.shuffle(places)
        self._places = places
        self._saints = list(SAINTS)
        rng.shuffle(self._saints)
        self._used: set[str] = set()
        self._round = 0

    def place(self) -> str:
        if not self._places:  # more schools than places: reuse places with a compass prefix
            self._round += 1
            prefix = ("North", "South", "East", "West", "Upper", "Lower", "Old", "New")[(self._round - 1) % 8]
            self._places = [f"{prefix} {p}" + (f" {self._round}" if self._round > 8 else "") for p in SCHOOL_PLACES]
        return self._places.pop()

    def saint(self) -> str:
        if not self._saints:
            return self.place()
        saint = self._saints.pop()
        # One Catholic school is named for St Thérèse: its é needs Windows-1252 too, not just ASCII.
        return "Thérèse" if saint == "Teresa" else saint

    def unique(self, name: str) -> str:
        while name in self._used:
            name = f"{self.place()} {name.split(' ', 1)[1]}" if " " in name else f"{self.place()} {name}"
        self._used.add(name)
        return name


def _plan_schools(rng: random.Random, count: int, school_year: int) -> list[_SchoolPlan]:
    """About three quarters primary, a fifth secondary, one special school, one pupil referral unit, some closed."""
    if count < 2:
        raise ValueError("A borough needs at least two schools: one primary and one secondary.")
    closed = 2 if count >= 20 else 1 if count >= 10 else 0
    open_count = count - closed
    special = 1 if open_count >= 4 else 0
    pru = 1 if open_count >= 5 else 0
    secondary = max(1, round(open_count * 0.2))
    primary = open_count - special - pru - secondary
    namer = _SchoolNamer(rng)
    plans: list[_SchoolPlan] = []

    for index in range(primary):
        plans.append(_plan_primary(rng, namer, index, school_year))
    for index in range(secondary):
        plans.append(_plan_secondary(rng, namer, index, secondary, school_year))
    if special:
        plans.append(
            _SchoolPlan(
                "special", _FOUNDATION_SPECIAL, namer.unique(f"{namer.place()} School"), (7000, 7099), sixth_form=True
            )
        )
    if pru:
        plans.append(
            _SchoolPlan("pru", _PUPIL_REFERRAL_UNIT, namer.unique(f"{TOWN} Pupil Referral Unit"), (1100, 1199))
        )
    if closed >= 1:
        # A primary closed when it amalgamated with a neighbour; some older pupils started there.
        plans.append(
            _SchoolPlan(
                "primary",
                _COMMUNITY,
                namer.unique(f"{namer.place()} Junior Mixed and Infant School"),
                (2000, 2999),
                nursery=True,
                close_date=date(school_year - 4, 8, 31),
            )
        )
    if closed >= 2:
        # A secondary that converted to an academy: GIAS closes the old URN and opens a new one.
        academy = next(p for p in plans if p.kind == "secondary" and p.kind_of_type is _ACADEMY_CONVERTER)
        conversion = date(school_year - 3, 9, 1)
        academy.open_date = conversion
        place = academy.name.removesuffix(" Academy")
        plans.append(
            _SchoolPlan(
                "secondary",
                _COMMUNITY,
                namer.unique(f"{place} High School"),
                (4000, 4499),
                sixth_form=academy.sixth_form,
                close_date=conversion - timedelta(days=1),
            )
        )
    return plans


def _plan_primary(rng: random.Random, namer: _SchoolNamer, index: int, school_year: int) -> _SchoolPlan:
    if index == 0:
        # The first primary is fixed so every borough, however small, has a nursery and a name needing Windows-1252.
        return _SchoolPlan(
            "primary",
            _VOLUNTARY_AIDED,
            namer.unique("St Aidan’s C of E Primary School"),
            (3300, 3999),
            nursery=True,
            religion="Church of England",
        )
    kind = _weighted(rng, _PRIMARY_TYPES)
    nursery = rng.random() < 0.6
    if kind is _VOLUNTARY_CONTROLLED:
        name, religion, estabs = f"St {namer.saint()}’s C of E Primary School", "Church of England", (3000, 3299)
    elif kind is _VOLUNTARY_AIDED:
        catholic = rng.random() < 0.6
        saint = namer.saint()
        if catholic:
            name, religion = f"St {saint}’s Catholic Primary School", "Roman Catholic"
        else:
            name, religion = f"St {saint}’s C of E Primary School", "Church of England"
        estabs = (3300, 3999)
    elif kind in (_ACADEMY_CONVERTER, _ACADEMY_SPONSOR_LED):
        name = f"{namer.place()} {rng.choice(('Primary Academy', 'Academy', 'Primary School'))}"
        religion, estabs = "Does not apply", (2000, 2999)
    else:
        name = f"{namer.place()} {rng.choice(('Primary School', 'Community Primary School'))}"
        religion, estabs = "Does not apply", (2000, 2999) if kind is _COMMUNITY else (5200, 5299)
    plan = _SchoolPlan("primary", kind, namer.unique(name), estabs, nursery=nursery, religion=religion)
    plan.open_date = _plausible_open_date(rng, kind, school_year)
    return plan


def _plan_secondary(rng: random.Random, namer: _SchoolNamer, index: int, count: int, school_year: int) -> _SchoolPlan:
    all_through = count >= 4 and index == 1
    girls = count >= 5 and index == 2
    kind = _ACADEMY_CONVERTER if index == 0 else _weighted(rng, _SECONDARY_TYPES)
    religion = "Does not apply"
    if kind is _VOLUNTARY_AIDED:
        name, religion = f"St {namer.saint()}’s Catholic High School", "Roman Catholic"
    elif kind in (_ACADEMY_CONVERTER, _ACADEMY_SPONSOR_LED):
        name = f"{namer.place()} Academy"
    else:
        name = f"{namer.place()} {'High School' if rng.random() < 0.7 else 'School'}"
    if girls:
        name = f"{namer.place()} High School for Girls"
    elif all_through:
        name = f"{namer.place()} {'Academy' if kind in (_ACADEMY_CONVERTER, _ACADEMY_SPONSOR_LED) else 'School'}"
    plan = _SchoolPlan(
        "all_through" if all_through else "secondary",
        kind,
        namer.unique(name),
        (4500, 4999) if kind in (_ACADEMY_CONVERTER, _ACADEMY_SPONSOR_LED) else (4000, 4499),
        # The first secondary always has a sixth form so sixth-formers always have somewhere to be.
        sixth_form=index == 0 or all_through or rng.random() < 0.5,
        nursery=all_through,
        gender="Girls" if girls else "Mixed",
        religion=religion,
    )
    plan.open_date = _plausible_open_date(rng, kind, school_year)
    return plan


def _plausible_open_date(rng: random.Random, kind: tuple, school_year: int) -> date | None:
    """Academies opened 2007-2011 relative to 2026, before any current pupil's first day; older schools: often blank."""
    if kind in (_ACADEMY_CONVERTER, _ACADEMY_SPONSOR_LED):
        return date(school_year - rng.randint(15, 19), 9, 1)
    if rng.random() < 0.5:
        return None
    return date(rng.randint(1950, school_year - 20), 9, 1)


def _build_school(
    rng: random.Random,
    plan: _SchoolPlan,
    index: int,
    urn: int,
    addresses: _AddressBook,
    estabs: set[int],
    phones: _Drawer,
) -> SchoolRecord:
    type_code, type_name, (group_code, group_name) = plan.kind_of_type
    low, high, phase = {
        "primary": (3 if plan.nursery else 4, 11, "Primary"),
        "secondary": (11, 18 if plan.sixth_form else 16, "Secondary"),
        "all_through": (3, 18, "All-through"),
        "special": (2, 19, "Not applicable"),
        "pru": (11, 16, "Not applicable"),
    }[plan.kind]
    estab = rng.randint(*plan.estab_range)
    while estab in estabs:
        estab = estab + 1 if estab < plan.estab_range[1] else plan.estab_range[0]
    estabs.add(estab)
    street, locality, postcode, uprn = addresses.school_site(index % 9 + 1)
    head_first, head_last, head_title = _head_teacher(rng)
    closed = plan.close_date is not None
    slug = _ascii_fold(plan.name).lower().replace("’", "").replace("'", "")
    slug = "-".join("".join(c if c.isalnum() else " " for c in slug).split())
    return SchoolRecord(
        urn=str(urn),
        ukprn=str(UKPRN_FIRST + index * 7 + rng.randint(0, 6)),
        la_code=LA_CODE,
        la_name=LA_NAME,
        establishment_number=f"{estab:04d}",
        name=plan.name,
        type_code=type_code,
        type_name=type_name,
        type_group_code=group_code,
        type_group=group_name,
        status_code=2 if closed else 1,
        status="Closed" if closed else "Open",
        open_date=plan.open_date,
        close_date=plan.close_date,
        phase_code=_PHASES[phase],
        phase_name=phase,
        statutory_low_age=low,
        statutory_high_age=high,
        gender=plan.gender,
        sixth_form=plan.sixth_form,
        nursery_provision=plan.nursery,
        religious_character=plan.religion,
        trust_name=rng.choice(_TRUSTS) if group_code == _ACADEMIES[0] else "",
        street=street,
        locality=locality,
        address3="",
        town=TOWN,
        postcode=postcode,
        uprn=uprn,
        telephone=phones.draw(),
        website="" if closed else f"https://www.{slug}.example.org",
        head_title=head_title,
        head_first_name="" if closed else head_first,
        head_last_name="" if closed else head_last,
        number_of_pupils=0,
        capacity=0,
    )


def _head_teacher(rng: random.Random) -> tuple[str, str, str]:
    """A head teacher's name whose letters all exist in Windows-1252, as GIAS publishes it in that encoding."""
    while True:
        pool = _pick_pool(rng)
        sex = "F" if rng.random() < 0.65 else "M"
        first = rng.choice(_adult_names(pool, sex))
        last = feminine_surname(rng.choice(pool.family), married=True) if sex == "F" else rng.choice(pool.family)
        try:
            (first + last).encode("cp1252")
        except UnicodeEncodeError:
            continue
        title = "Dr" if rng.random() < 0.05 else ("Mr" if sex == "M" else rng.choice(("Mrs", "Ms", "Miss")))
        return first, last, title


def _finalise_schools(rng: random.Random, schools: list[SchoolRecord], enrolments: list[EnrolmentRecord]) -> list:
    """Set each school's pupil count from its current enrolments, and a capacity a little above it."""
    on_roll: dict[str, int] = {}
    for enrolment in enrolments:
        if enrolment.leave_date is None:
            on_roll[enrolment.school_urn] = on_roll.get(enrolment.school_urn, 0) + 1
    finished = []
    for school in schools:
        pupils = on_roll.get(school.urn, 0)
        unit = 30 if school.phase_name == "Primary" else 50
        if not school.is_open:
            pupils = 0
            capacity = 210 if school.phase_name == "Primary" else 900  # as last recorded before it closed
        else:
            capacity = max(unit, -(-int(pupils * rng.uniform(1.0, 1.25)) // unit) * unit)
        finished.append(replace(school, number_of_pupils=pupils, capacity=capacity))
    return finished


# ---------------------------------------------------------------------------------------------------------------
# People


def _weighted(rng: random.Random, options: Sequence[tuple]):
    """Pick the first element of one of (value, weight) pairs."""
    return rng.choices([value for value, _ in options], weights=[weight for _, weight in options])[0]


_POOL_CUMULATIVE = list(accumulate(pool.weight for pool in POOLS))


def _pick_pool(rng: random.Random) -> NamePool:
    return rng.choices(POOLS, cum_weights=_POOL_CUMULATIVE)[0]


def _adult_names(pool: NamePool, sex: str) -> tuple[str, ...]:
    if sex == "M":
        return pool.adult_male or pool.male
    return pool.adult_female or pool.female


def _child_names(pool: NamePool, sex: str) -> tuple[str, ...]:
    return pool.male if sex == "M" else pool.female


_DOUBLE_BARREL_ORIGINS = frozenset(("english", "irish", "caribbean"))
_MOHAMMED = frozenset(("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Md"))


@dataclass(slots=True)
class _Parent:
    """A birth parent or other adult while a household is being assembled."""

    pool: NamePool
    sex: str
    given: str
    middle: str
    birth_family: str  # surname at birth, in its base (masculine) form
    family: str  # surname in use now
    dob: date
    carer: CarerRecord | None = None


@dataclass(slots=True)
class _BirthFamily:
    mother: _Parent
    father: _Parent
    married: bool
    surname_rule: str
    ethnicity: str  # the code the family usually records for its children


@dataclass(slots=True)
class _Kid:
    id: str
    house: "_House"
    pool: NamePool
    given: str
    middle: str
    family: str
    preferred: str
    former_family: str
    sex: str
    dob: date
    year_group: int
    ethnicity: str
    sen: str
    twin_of: str = ""
    upn: str = ""
    former_upn: str = ""
    nhs: str = ""
    moved_away: bool = False
    home_educated: bool = False
    stints: list["_Stint"] = field(default_factory=list)


@dataclass(slots=True)
class _House:
    id: str
    address: AddressRecord
    district: int
    structure: str = ""
    previous_address_id: str | None = None
    moved_in: date | None = None
    moved_from: str = ""
    moved_out: date | None = None
    missing: bool = False
    home_educating: bool = False
    left_rolls: date | None = None  # when the household's children were taken off roll, once the first one was
    missing_ground: str = "G"  # G: said to have moved away; I: twenty days' continuous absence
    landline: str = ""
    carers: list[CarerRecord] = field(default_factory=list)
    kids: list[_Kid] = field(default_factory=list)
    choices: dict[str, SchoolRecord] = field(default_factory=dict)


@dataclass(slots=True)
class _Stint:
    """One period on one school's register while a child's schooling is planned."""

    school: SchoolRecord
    start: date
    end: date | None = None
    ground: str | None = None
    status: str = "C"


class _Generator:
    """Holds the random source and the running state; every draw goes through `self.rng` in a fixed order."""

    def __init__(self, *, seed: int, children: int, schools: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.school_year = school_year_start(today)
        self.children_wanted = children
        self.school_count = schools
        self.addresses = _AddressBook(self.rng)
        self.mobiles = _Drawer(self.rng, [_MOBILE_FORMAT.format(n) for n in range(1000)])
        self.landlines = _Drawer(self.rng, [f.format(n) for f in _LANDLINE_FORMATS for n in range(1000)])
        self.upns = _UpnIssuer(self.rng)
        self.nhs_numbers = _NhsNumberIssuer(self.rng)
        self.emails: set[str] = set()
        self.houses: list[_House] = []
        self.kids: list[_Kid] = []
        self.carers: list[CarerRecord] = []
        self.relationships: list[RelationshipRecord] = []
        self.vacated: list[tuple[AddressRecord, date]] = []  # homes a family left the borough from, and when
        self.movers: list[tuple[str, date]] = []  # homes whose household moved in on a known date
        first_birthday = date(self.school_year - 18, 9, 1)
        self.birth_window = (first_birthday, date(self.school_year - 3, 8, 31))
        self.year_groups = list(_YEAR_GROUP_WEIGHTS)
        self.year_group_weights = list(accumulate(_YEAR_GROUP_WEIGHTS.values()))
        # Settled once the schools exist (make_schools, categorise).
        self.predecessor: dict[str, SchoolRecord] = {}  # academy URN -> the closed school it replaced
        self.closed_primary: SchoolRecord | None = None
        self.school_district: dict[str, int] = {}
        self.categories: dict[str, list[SchoolRecord]] = {}
        self.special: SchoolRecord | None = None
        self.pru: SchoolRecord | None = None
        self._cumulative: dict[tuple[str, str, int], tuple[list[SchoolRecord], list[float]]] = {}

    # -- the whole run ---------------------------------------------------------------------------------------

    def run(self) -> Borough:
        school_list = self.make_schools()
        self.categorise(school_list)
        while len(self.kids) < self.children_wanted:
            self.add_household(min(self.children_wanted - len(self.kids), self.household_size()))
        enrolments = self.plan_schooling()
        children = [self.finish_child(kid) for kid in self.kids]
        households = [self.finish_household(house) for house in self.houses]
        return Borough(
            name=BOROUGH_NAME,
            la_code=LA_CODE,
            la_name=LA_NAME,
            town=TOWN,
            postcode_area=POSTCODE_AREA,
            seed=self.seed,
            today=self.today,
            schools=_finalise_schools(self.rng, school_list, enrolments),
            addresses=self.addresses.addresses,
            households=households,
            carers=self.carers,
            children=children,
            relationships=self.relationships,
            enrolments=enrolments,
        )

    def make_schools(self) -> list[SchoolRecord]:
        plans = _plan_schools(self.rng, self.school_count, self.school_year)
        urn = URN_FIRST + self.rng.randint(0, 2000)
        widest_gap = max(1, min(9, (999_999 - urn) // len(plans)))  # URNs must stay six digits
        estabs: set[int] = set()
        schools = []
        for index, plan in enumerate(plans):
            urn += self.rng.randint(1, widest_gap)
            schools.append(_build_school(self.rng, plan, index, urn, self.addresses, estabs, self.landlines))
        closed_secondary = next((s for s in schools if s.status == "Closed" and s.phase_name == "Secondary"), None)
        if closed_secondary:
            conversion = closed_secondary.close_date + timedelta(days=1)
            successor = next(s for s in schools if s.is_open and s.open_date == conversion)
            self.predecessor[successor.urn] = closed_secondary
        self.closed_primary = next((s for s in schools if s.status == "Closed" and s.phase_name == "Primary"), None)
        return schools

    def categorise(self, schools: list[SchoolRecord]) -> None:
        """Candidate schools for each stage; pupils prefer schools in their own district."""
        self.school_district = {school.urn: index % 9 + 1 for index, school in enumerate(schools)}
        open_schools = [s for s in schools if s.is_open]
        mainstream = [s for s in open_schools if s.phase_name in ("Primary", "Secondary", "All-through")]
        self.categories = {
            "primary": [s for s in mainstream if s.serves_year_group(0)],
            "nursery": [s for s in mainstream if s.serves_year_group(-1)],
            "secondary": [s for s in mainstream if s.serves_year_group(7)],
            "sixth_form": [s for s in mainstream if s.serves_year_group(12)],
        }
        self.special = next((s for s in open_schools if s.type_group == _SPECIAL_SCHOOLS[1]), None)
        self.pru = next((s for s in open_schools if s.type_code == _PUPIL_REFERRAL_UNIT[0]), None)

    # -- households ------------------------------------------------------------------------------------------

    def household_size(self) -> int:
        return _weighted(self.rng, _CHILDREN_PER_HOUSEHOLD)

    def add_household(self, size: int) -> None:
        rng = self.rng
        structure = _weighted(rng, _HOUSEHOLD_STRUCTURES)
        house = self.new_house(structure)
        builder = {
            "couple": self.build_couple,
            "single_mother": self.build_single_mother,
            "single_father": self.build_single_father,
            "step": self.build_step_family,
            "grandparents": self.build_grandparents,
            "kinship": self.build_kinship,
            "foster": self.build_foster,
            "same_sex": self.build_same_sex,
        }[structure]
        builder(house, size)
        self.decide_household_fate(house)
        self.houses.append(house)

    def new_house(self, structure: str) -> _House:
        rng = self.rng
        today = self.today
        house_id = f"H{len(self.houses) + 1:06d}"
        roll = rng.random()
        moved_from, moved_in = "", None
        if roll < _MOVED_WITHIN_RATE:
            moved_from, moved_in = "borough", today - timedelta(days=rng.randint(30, 6 * 365))
        elif roll < _MOVED_WITHIN_RATE + _MOVED_FROM_ENGLAND_RATE:
            moved_from, moved_in = "england", today - timedelta(days=rng.randint(30, 6 * 365))
        elif roll < _MOVED_WITHIN_RATE + _MOVED_FROM_ENGLAND_RATE + _MOVED_FROM_ABROAD_RATE:
            moved_from, moved_in = "abroad", today - timedelta(days=rng.randint(14, 3 * 365))
        address = None
        if moved_in and self.vacated and rng.random() < 0.3:
            # A home a family left the borough from, taken by new occupants: same address, different people.
            candidate, left = self.vacated[rng.randrange(len(self.vacated))]
            if left < moved_in:
                address = candidate
                self.vacated.remove((candidate, left))
        if address is None:
            address = self.addresses.new_home()
        district = int(address.postcode.split(" ")[0].removeprefix(POSTCODE_AREA))
        house = _House(house_id, address, district, structure, moved_in=moved_in, moved_from=moved_from)
        if moved_from == "borough":
            house.previous_address_id = self.previous_address(moved_in)
        if moved_in:
            self.movers.append((address.id, moved_in))
        house.landline = self.landlines.draw() if rng.random() < 0.35 else ""
        return house

    def previous_address(self, moved_in: date) -> str:
        """Where a household lived before moving within the borough; sometimes a home another family lives in now."""
        rng = self.rng
        if self.movers and rng.random() < 0.3:
            address_id, their_move = self.movers[rng.randrange(len(self.movers))]
            if their_move > moved_in:  # we left before they arrived
                return address_id
        return self.addresses.new_home().id

    def decide_household_fate(self, house: _House) -> None:
        rng = self.rng
        today = self.today
        recent_arrival = house.moved_in is not None and (today - house.moved_in).days < 90
        roll = rng.random()
        if roll < _MOVED_AWAY_RATE and not recent_arrival:
            earliest = max(house.moved_in or today - timedelta(days=270), today - timedelta(days=270))
            house.moved_out = earliest + timedelta(days=rng.randint(0, max(0, (today - earliest).days - 7)))
            self.vacated.append((house.address, house.moved_out))
        elif roll < _MOVED_AWAY_RATE + _MISSING_HOUSEHOLD_RATE:
            house.missing = True
            house.missing_ground = rng.choice("GI")
        elif roll < _MOVED_AWAY_RATE + _MISSING_HOUSEHOLD_RATE + _HOME_EDUCATING_RATE:
            house.home_educating = True
        elif house.moved_from == "abroad" and (today - house.moved_in).days < 365:
            house.missing = rng.random() < _MISSING_NEW_ARRIVAL_RATE

    def sibling_dobs(self, count: int) -> list[date]:
        """Dates of birth for `count` siblings in the window nursery..year 13, with realistic gaps and some twins."""
        rng = self.rng
        first, last = self.birth_window
        year_group = rng.choices(self.year_groups, cum_weights=self.year_group_weights)[0]
        start = date(self.school_year - year_group - 5, 9, 1)
        end = min(date(self.school_year - year_group - 4, 8, 31), last)
        dobs = [start + timedelta(days=rng.randint(0, (end - start).days))]
        for _ in range(count - 1):
            if rng.random() < _TWIN_RATE and dobs.count(dobs[-1]) == 1:  # twins, never triplets: twin_of is one id
                dobs.append(dobs[-1])
                continue
            gap = timedelta(days=rng.randint(420, 2200))
            younger, older = max(dobs) + gap, min(dobs) - gap
            options = [d for d in (younger, older) if first <= d <= last]
            if options:
                dobs.append(rng.choice(options))
            else:
                dobs.append(first + timedelta(days=rng.randint(0, (last - first).days)))
        return sorted(dobs)

    def adult(self, pool: NamePool, sex: str, dob: date, birth_family: str | None = None) -> _Parent:
        rng = self.rng
        given = rng.choice(_adult_names(pool, sex) if rng.random() < 0.8 else _child_names(pool, sex))
        middle = ""
        if rng.random() < pool.middle_name_rate * 0.8:
            middle = rng.choice(_child_names(pool, sex))
            if middle == given:
                middle = ""
        if birth_family is None:
            birth_family = self.surname(pool)
        family = feminine_surname(birth_family, married=False) if sex == "F" else birth_family
        if pool.surname_style == "sikh":
            middle = "Kaur" if sex == "F" else "Singh"
        return _Parent(pool, sex, given, middle, birth_family, family, dob)

    def surname(self, pool: NamePool) -> str:
        """A surname at birth; Portuguese adults often carry two."""
        rng = self.rng
        if pool.surname_style == "iberian" and rng.random() < 0.5:
            first, second = rng.choice(pool.family), rng.choice(pool.family)
            if first != second:
                return f"{first} {second}"
        return rng.choice(pool.family)

    def adult_dob(self, eldest_child: date, low: int, high: int) -> date:
        years = self.rng.randint(low, high)
        return eldest_child - timedelta(days=years * 365 + self.rng.randint(0, 364))

    def birth_family(
        self, dobs: list[date], *, mother: _Parent | None = None, father_pool: NamePool | None = None
    ) -> _BirthFamily:
        """Two birth parents of children born on `dobs`, whether they married, and how the children are surnamed."""
        rng = self.rng
        if mother is None:
            pool = _pick_pool(rng)
            spread = (dobs[-1] - dobs[0]).days // 365
            # 18 to 38 at the first birth, and no older than 44 at the last.
            mother = self.adult(pool, "F", self.adult_dob(dobs[0], 18, max(18, min(38, 44 - spread))))
        if father_pool is None:
            father_pool = mother.pool
            if rng.random() < _MIXED_COUPLE_RATE:
                father_pool = _pick_pool(rng)
        father_dob = mother.dob - timedelta(days=rng.randint(-3 * 365, 9 * 365))
        if (dobs[0] - father_dob).days < 18 * 365:  # an adult father, even with a young mother
            father_dob = dobs[0] - timedelta(days=18 * 365 + rng.randint(0, 3 * 365))
        father = self.adult(father_pool, "M", father_dob)
        if father_pool.surname_style == "sikh" and rng.random() < 0.2:
            father.family = father.birth_family = "Singh"  # no clan name in use
            father.middle = ""
        married = rng.random() < father_pool.married_rate
        self.settle_mothers_surname(mother, father, married)
        rule = self.surname_rule(mother, father, married)
        ethnicity = self.family_ethnicity(mother.pool, father.pool)
        return _BirthFamily(mother, father, married, rule, ethnicity)

    def settle_mothers_surname(self, mother: _Parent, father: _Parent, married: bool) -> None:
        rng = self.rng
        pool = mother.pool
        if pool.surname_style == "south_asian" and rng.random() < 0.3:
            mother.family = "Bibi" if pool.key == "pakistani" else rng.choice(("Begum", "Khatun"))
        elif pool.surname_style == "sikh" and rng.random() < 0.35:
            mother.family, mother.middle = "Kaur", ""
        elif married and rng.random() < pool.wife_takes_name:
            if pool.surname_style == "iberian":
                mother.family = f"{mother.birth_family.split(' ')[0]} {father.birth_family.split(' ')[-1]}"
            else:
                mother.family = feminine_surname(father.birth_family, married=True)

    def surname_rule(self, mother: _Parent, father: _Parent, married: bool) -> str:
        """How this couple's children are surnamed; decided once so siblings usually match."""
        rng = self.rng
        style = father.pool.surname_style
        if style == "sikh":
            return "singh_kaur" if father.birth_family == "Singh" or rng.random() < 0.25 else "clan"
        if style == "iberian":
            return "iberian" if rng.random() < 0.65 else "father"
        if style == "somali":
            return "somali_family" if rng.random() < 0.6 else "somali_given"
        if style == "south_asian":
            return "father" if rng.random() < 0.85 else "patronymic"
        mother_kept_name = mother.family != feminine_surname(father.birth_family, married=True)
        roll = rng.random()
        # Double-barrelled names are a British and Irish habit, and a common answer for a couple of two heritages.
        doubles = father.pool.origin in _DOUBLE_BARREL_ORIGINS or mother.pool.origin != father.pool.origin
        if not doubles:
            return "father" if married or roll < 0.75 else "mother"
        if married and not mother_kept_name:
            return "father" if roll < 0.97 else "double"
        if married:
            return "father" if roll < 0.85 else "double"
        return "father" if roll < 0.55 else "mother" if roll < 0.83 else "double"

    def family_ethnicity(self, mother_pool: NamePool, father_pool: NamePool) -> str:
        """Children of couples of different heritage are usually recorded as Mixed; otherwise as the family's group."""
        rng = self.rng
        heritages = {ORIGIN_HERITAGE[mother_pool.origin], ORIGIN_HERITAGE[father_pool.origin]}
        if len(heritages) == 2 and rng.random() < 0.8:
            if "white" in heritages:
                other = (heritages - {"white"}).pop()
                return {"caribbean": "MWBC", "african": "MWBA", "asian": "MWAS"}.get(other, "MOTH")
            return "MOTH"
        pool = mother_pool if rng.random() < 0.5 else father_pool
        return _weighted(rng, pool.ethnicity)

    def kid(self, house: _House, family: _BirthFamily, dob: date, taken: set[str], *, name_father: bool = True) -> _Kid:
        """A child of `family`: names, ethnicity, special educational needs."""
        rng = self.rng
        sex = "M" if rng.random() < 0.51 else "F"
        pool = family.mother.pool if rng.random() < 0.5 else family.father.pool
        names = _child_names(pool, sex)
        given = rng.choice(names)
        for _ in range(6):  # siblings do not share a given name
            if given not in taken:
                break
            given = rng.choice(names)
        taken.add(given)
        middle_names = []
        if rng.random() < pool.middle_name_rate:
            middle = rng.choice(names)
            if middle != given:
                middle_names.append(middle)
                if rng.random() < 0.12:
                    second = rng.choice(names)
                    if second not in (given, middle):
                        middle_names.append(second)
        # The known-as name is settled before a custom adds Singh, Kaur or the father's name as a middle name.
        preferred = self.preferred_name(pool, sex, given, middle_names)
        family_name, extra_middle = self.child_surname(family, sex, name_father)
        if extra_middle:
            middle_names.append(extra_middle)
        middle = " ".join(middle_names)
        ethnicity = family.ethnicity if rng.random() < 0.92 else _weighted(rng, pool.ethnicity)
        kid = _Kid(
            id=f"C{len(self.kids) + 1:06d}",
            house=house,
            pool=pool,
            given=given,
            middle=middle,
            family=family_name,
            preferred=preferred,
            former_family="",
            sex=sex,
            dob=dob,
            year_group=year_group_for(dob, self.school_year),
            ethnicity=ethnicity,
            sen=self.sen_provision(sex, year_group_for(dob, self.school_year)),
        )
        self.kids.append(kid)
        house.kids.append(kid)
        return kid

    def child_surname(self, family: _BirthFamily, sex: str, name_father: bool) -> tuple[str, str]:
        """The child's surname and any middle name the naming custom adds (Singh, Kaur, the father's given name)."""
        rng = self.rng
        father, mother = family.father, family.mother
        rule = family.surname_rule if name_father else "mother"
        if rule == "father":
            return _gendered(father.birth_family, sex), ""
        if rule == "mother":
            return _gendered(mother.birth_family, sex), ""
        if rule == "double":
            first, second = father.birth_family, mother.birth_family
            if rng.random() < 0.5:
                first, second = second, first
            return (f"{first}-{second}" if first != second else first), ""
        if rule == "iberian":
            return f"{mother.birth_family.split(' ')[0]} {father.birth_family.split(' ')[-1]}", ""
        if rule == "clan":
            return father.birth_family, "Kaur" if sex == "F" else "Singh"
        if rule == "singh_kaur":
            return ("Kaur" if sex == "F" else "Singh"), ""
        if rule == "patronymic":
            return father.given, ""
        if rule == "somali_family":
            return father.birth_family, father.given
        return father.given, ""  # somali_given: the father's given name serves as the family name

    def preferred_name(self, pool: NamePool, sex: str, given: str, middles: list[str]) -> str:
        """A known-as name: a nickname, the middle name a 'Muhammad' is called by, or an English name."""
        rng = self.rng
        if given in _MOHAMMED and middles and rng.random() < 0.6:
            return middles[0]
        if pool.key == "chinese" and rng.random() < 0.3:
            return rng.choice(ENGLISH_KNOWN_AS[sex])
        if given in NICKNAMES and rng.random() < 0.35:
            return rng.choice(NICKNAMES[given])
        if middles and rng.random() < 0.03:
            return middles[0]
        return ""

    def sen_provision(self, sex: str, year_group: int) -> str:
        roll = self.rng.random()
        ehcp, support = (0.01, 0.04) if year_group < 0 else (0.06, 0.16) if sex == "M" else (0.025, 0.10)
        return "E" if roll < ehcp else "K" if roll < ehcp + support else "N"

    def children_of(self, house: _House, family: _BirthFamily, dobs: list[date], taken: set[str]) -> list[_Kid]:
        kids = [self.kid(house, family, dob, taken) for dob in dobs]
        for earlier, later in pairwise(kids):
            if earlier.dob == later.dob and not earlier.twin_of:  # twins
                earlier.twin_of, later.twin_of = later.id, earlier.id
        return kids

    # -- carers and relationships ----------------------------------------------------------------------------

    def carer(self, parent: _Parent, house: _House | None, marital_status: str, *, married_name: bool) -> CarerRecord:
        """Turn a `_Parent` into a CarerRecord with title, phones and e-mail; resident if `house` is given."""
        if parent.carer is not None:
            return parent.carer
        rng = self.rng
        resident = house is not None
        if parent.sex == "M":
            title = "Mr"
        elif married_name:
            title = "Mrs" if rng.random() < 0.85 else "Ms"
        else:
            title = "Miss" if rng.random() < 0.45 else "Ms"
        roll = rng.random()
        if roll < 0.01:
            title = "Mx"
        elif roll < 0.03:
            title = "Dr"
        mobile = self.mobiles.draw() if rng.random() < (0.9 if resident else 0.5) else ""
        home = house.landline if resident else (self.landlines.draw() if rng.random() < 0.1 else "")
        email = self.email(parent) if rng.random() < (0.6 if resident else 0.25) else ""
        record = CarerRecord(
            id=f"P{len(self.carers) + 1:06d}",
            title=title,
            given_name=parent.given,
            middle_names=parent.middle,
            family_name=parent.family,
            sex=parent.sex,
            date_of_birth=parent.dob,
            marital_status=marital_status,
            phone_mobile=mobile,
            phone_home=home,
            email=email,
            name_origin=parent.pool.origin,
            household_id=house.id if resident else "",
        )
        self.carers.append(record)
        if resident:
            house.carers.append(record)
        parent.carer = record
        return record

    def email(self, parent: _Parent) -> str:
        rng = self.rng
        given = "".join(c for c in _ascii_fold(parent.given).lower() if c.isalnum())
        family = "".join(c for c in _ascii_fold(parent.family).lower() if c.isalnum())
        local = rng.choice(
            (f"{given}.{family}", f"{given}{family}{rng.randint(1, 99)}", f"{given[:1]}{family}", f"{family}.{given}")
        )
        address = f"{local}@{rng.choice(_EMAIL_DOMAINS)}"
        suffix = 1
        while address in self.emails:
            suffix += 1
            address = f"{local}{suffix}@{address.split('@')[1]}"
        self.emails.add(address)
        return address

    def relate(self, carer: CarerRecord, kids: list[_Kid], relationship: str, *, pr: bool, lives_with: bool) -> None:
        for kid in kids:
            self.relationships.append(RelationshipRecord(carer.id, kid.id, relationship, pr, lives_with))

    def absent_parent(self, parent: _Parent, kids: list[_Kid], relationship: str, chance: float, pr: float) -> None:
        """Sometimes a parent living elsewhere is known to the school and recorded as a contact."""
        rng = self.rng
        if rng.random() < chance:
            status = _weighted(rng, (("single", 4), ("not known", 4), ("divorced", 2), ("married", 1)))
            carer = self.carer(parent, None, status, married_name=status == "married")
            self.relate(carer, kids, relationship, pr=rng.random() < pr, lives_with=False)

    def couple_status(self, married: bool) -> str:
        return "married" if married else "single"

    # -- household structures --------------------------------------------------------------------------------

    def build_couple(self, house: _House, size: int) -> None:
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        kids = self.children_of(house, family, dobs, set())
        status = self.couple_status(family.married)
        mother = self.carer(family.mother, house, status, married_name=family.married)
        father = self.carer(family.father, house, status, married_name=False)
        self.relate(mother, kids, "mother", pr=True, lives_with=True)
        # Unmarried fathers have parental responsibility when named on the birth certificate, as most are.
        self.relate(father, kids, "father", pr=family.married or self.rng.random() < 0.95, lives_with=True)

    def build_single_mother(self, house: _House, size: int) -> None:
        rng = self.rng
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        was_married = family.married
        family.mother.family = (
            family.mother.family if was_married and rng.random() < 0.4 else _gendered(family.mother.birth_family, "F")
        )
        taken: set[str] = set()
        split = _between_births(dobs, len(dobs) // 2) if len(dobs) >= 2 and rng.random() < 0.3 else len(dobs)
        older = self.children_of(house, family, dobs[:split], taken)
        younger: list[_Kid] = []
        if split < len(dobs):
            # Half-siblings: the younger children have a different father, and often a different surname.
            name_in_use = family.mother.family
            second = self.birth_family(dobs[split:], mother=family.mother)
            family.mother.family = name_in_use  # she did not marry the second father
            younger = self.children_of(house, second, dobs[split:], taken)
            self.absent_parent(second.father, younger, "father", 0.3, 0.8)
        for kid in older:
            if was_married and rng.random() < 0.08 and kid.family != _gendered(family.mother.birth_family, kid.sex):
                # Changed to the mother's name after the parents separated.
                kid.former_family, kid.family = kid.family, _gendered(family.mother.birth_family, kid.sex)
        status = _weighted(
            rng,
            (("single", 55), ("divorced", 18), ("separated", 14), ("married", 3), ("widowed", 2), ("not known", 8)),
        )
        mother = self.carer(family.mother, house, status, married_name=status in ("married", "widowed", "separated"))
        self.relate(mother, older + younger, "mother", pr=True, lives_with=True)
        self.absent_parent(family.father, older, "father", 0.4, 0.85)

    def build_single_father(self, house: _House, size: int) -> None:
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        kids = self.children_of(house, family, dobs, set())
        status = _weighted(self.rng, (("single", 5), ("divorced", 3), ("separated", 2), ("widowed", 1)))
        father = self.carer(family.father, house, status, married_name=False)
        self.relate(father, kids, "father", pr=True, lives_with=True)
        if status != "widowed":
            self.absent_parent(family.mother, kids, "mother", 0.5, 1.0)

    def build_step_family(self, house: _House, size: int) -> None:
        """A mother, her new partner, her older children by a former partner and perhaps younger children by the new."""
        rng = self.rng
        dobs = self.sibling_dobs(size)
        first = self.birth_family(dobs)
        mother = first.mother
        split = _between_births(dobs, rng.randint(1, len(dobs))) if len(dobs) > 1 else 1
        partner_pool = mother.pool if rng.random() < 0.85 else _pick_pool(rng)
        second = self.birth_family(dobs[split:] or dobs[-1:], mother=mother, father_pool=partner_pool)
        mother.family = second.mother.family if second.married else _gendered(mother.birth_family, "F")
        taken: set[str] = set()
        older = self.children_of(house, first, dobs[:split], taken)
        younger = self.children_of(house, second, dobs[split:], taken)
        took_new_name = rng.random() < 0.25
        for kid in older:
            new_name = _gendered(second.father.birth_family, kid.sex)
            if took_new_name and kid.family != new_name:
                kid.former_family, kid.family = kid.family, new_name
        status = self.couple_status(second.married)
        mother_record = self.carer(mother, house, status, married_name=second.married)
        partner = self.carer(second.father, house, status, married_name=False)
        self.relate(mother_record, older + younger, "mother", pr=True, lives_with=True)
        # A step-parent has parental responsibility only by agreement or order.
        self.relate(partner, older, "step-parent", pr=rng.random() < 0.2, lives_with=True)
        self.relate(partner, younger, "father", pr=True, lives_with=True)
        self.absent_parent(first.father, older, "father", 0.4, 0.85)

    def build_grandparents(self, house: _House, size: int) -> None:
        """Grandchildren living with one or two grandparents under a special guardianship or informal arrangement."""
        rng = self.rng
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        kids = self.children_of(house, family, dobs, set())
        side = family.mother if rng.random() < 0.7 else family.father
        surname = side.birth_family
        grandmother = self.adult(side.pool, "F", side.dob - timedelta(days=rng.randint(20, 34) * 365), surname)
        grandmother.family = feminine_surname(surname, married=True)
        pr = rng.random() < 0.55
        two = rng.random() < 0.6
        status = "married" if two else _weighted(rng, (("widowed", 4), ("divorced", 3), ("single", 1)))
        record = self.carer(grandmother, house, status, married_name=True)
        self.relate(record, kids, "grandparent", pr=pr, lives_with=True)
        if two:
            grandfather = self.adult(side.pool, "M", grandmother.dob - timedelta(days=rng.randint(0, 6) * 365), surname)
            self.relate(
                self.carer(grandfather, house, status, married_name=False), kids, "grandparent", pr=pr, lives_with=True
            )
        self.absent_parent(family.mother, kids, "mother", 0.45, 1.0)
        self.absent_parent(family.father, kids, "father", 0.2, 0.8)

    def build_kinship(self, house: _House, size: int) -> None:
        """Children living with an aunt, sometimes with her partner."""
        rng = self.rng
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        kids = self.children_of(house, family, dobs, set())
        mother = family.mother
        aunt = self.adult(mother.pool, "F", mother.dob - timedelta(days=rng.randint(-8, 8) * 365), mother.birth_family)
        married = rng.random() < 0.5
        married_surname = self.surname(mother.pool)
        if married:
            aunt.family = feminine_surname(married_surname, married=True)
        status = "married" if married else "single"
        record = self.carer(aunt, house, status, married_name=married)
        self.relate(record, kids, "aunt/uncle", pr=rng.random() < 0.4, lives_with=True)
        if married and rng.random() < 0.7:
            uncle = self.adult(mother.pool, "M", aunt.dob - timedelta(days=rng.randint(-2, 6) * 365), married_surname)
            self.relate(
                self.carer(uncle, house, status, married_name=False), kids, "aunt/uncle", pr=False, lives_with=True
            )
        self.absent_parent(mother, kids, "mother", 0.4, 1.0)

    def build_foster(self, house: _House, size: int) -> None:
        """Foster carers looking after one or two sibling groups from other families; the council holds PR."""
        rng = self.rng
        size = min(size, 3)
        pool = POOLS_BY_KEY["english"] if rng.random() < 0.7 else _pick_pool(rng)
        two = rng.random() < 0.65
        carers = []
        dob = date(self.school_year - rng.randint(35, 60), rng.randint(1, 12), rng.randint(1, 28))
        foster_mother = self.adult(pool, "F", dob)
        if two:
            foster_father = self.adult(pool, "M", dob - timedelta(days=rng.randint(-3, 6) * 365))
            foster_mother.family = feminine_surname(foster_father.birth_family, married=True)
            carers = [
                self.carer(foster_mother, house, "married", married_name=True),
                self.carer(foster_father, house, "married", married_name=False),
            ]
        else:
            status = _weighted(rng, (("single", 3), ("divorced", 2), ("widowed", 1)))
            carers = [self.carer(foster_mother, house, status, married_name=status != "single")]
        groups = [size] if size == 1 or rng.random() < 0.5 else [1, size - 1]
        for group_size in groups:
            dobs = self.sibling_dobs(group_size)
            family = self.birth_family(dobs)
            kids = self.children_of(house, family, dobs, set())
            for carer in carers:
                self.relate(carer, kids, "foster carer", pr=False, lives_with=True)
            self.absent_parent(family.mother, kids, "mother", 0.35, 1.0)

    def build_same_sex(self, house: _House, size: int) -> None:
        """Two mothers; the children's surname is the birth mother's, the other mother's, or both."""
        rng = self.rng
        dobs = self.sibling_dobs(size)
        family = self.birth_family(dobs)
        partner_pool = family.mother.pool if rng.random() < 0.8 else _pick_pool(rng)
        partner_dob = family.mother.dob - timedelta(days=rng.randint(-5, 5) * 365)
        if (dobs[0] - partner_dob).days < 18 * 365:
            partner_dob = dobs[0] - timedelta(days=18 * 365 + rng.randint(0, 3 * 365))
        partner = self.adult(partner_pool, "F", partner_dob)
        formal = rng.random() < 0.6
        # The children's "other parent" for surnames and names is the second mother, not a father.
        family.father = replace(
            family.father, birth_family=partner.birth_family, given=partner.given, pool=partner_pool
        )
        family.surname_rule = _weighted(rng, (("mother", 50), ("father", 25), ("double", 25)))
        family.ethnicity = _weighted(rng, family.mother.pool.ethnicity)
        family.mother.family = _gendered(family.mother.birth_family, "F")
        kids = self.children_of(house, family, dobs, set())
        status = rng.choice(("married", "civil partnership")) if formal else "single"
        first = self.carer(family.mother, house, status, married_name=False)
        second = self.carer(partner, house, status, married_name=False)
        self.relate(first, kids, "mother", pr=True, lives_with=True)
        self.relate(second, kids, "mother", pr=formal or rng.random() < 0.5, lives_with=True)

    # -- schooling -------------------------------------------------------------------------------------------

    def choose(
        self, house: _House, category: str, sex: str, exclude: SchoolRecord | None = None
    ) -> SchoolRecord | None:
        """A school of `category` admitting `sex`, preferring the household's district and its earlier choices."""
        rng = self.rng
        remembered = house.choices.get(category)
        if remembered is not None and remembered is not exclude and remembered.admits(sex) and rng.random() < 0.85:
            return remembered
        key = (category, sex, house.district)
        if key not in self._cumulative:
            candidates = [s for s in self.categories[category] if s.admits(sex)]
            weights = [4.0 if self.school_district[s.urn] == house.district else 1.0 for s in candidates]
            self._cumulative[key] = (candidates, list(accumulate(weights)))
        candidates, cumulative = self._cumulative[key]
        if not candidates:
            return None
        choice = rng.choices(candidates, cum_weights=cumulative)[0]
        if choice is exclude and len(candidates) > 1:
            choice = next(s for s in candidates if s is not exclude)
        house.choices.setdefault(category, choice)
        return choice

    def natural_stints(self, kid: _Kid, nursery: bool) -> list[_Stint]:
        """The schooling a child in the borough throughout would have had, up to today."""
        rng = self.rng
        house, year, now = kid.house, kid.year_group, self.school_year
        stints: list[_Stint] = []
        if year < 0 and not nursery:
            return stints
        primary = self.choose(house, "primary", kid.sex)
        first_day = _term_start(now - year)
        if nursery:
            nursery_day = _term_start(now - year - 1)
            setting = primary
            if not primary.nursery_provision or rng.random() < 0.2:
                setting = self.choose(house, "nursery", kid.sex)
            if setting is primary or year < 0 or rng.random() < 0.6:
                primary, first_day = setting, nursery_day  # stayed on from the nursery class into reception
            else:
                # Left the nursery class for reception elsewhere: Ground B.
                stints.append(_Stint(setting, nursery_day, _term_end(now - year), "B"))
        stints.append(_Stint(primary, first_day))
        if year >= 7 and not primary.serves_year_group(7):
            stints[-1].end, stints[-1].ground = _term_end(now - year + 7), "A"
            stints.append(_Stint(self.choose(house, "secondary", kid.sex), _term_start(now - year + 7)))
        if year >= 12:
            current = stints[-1].school
            if not current.sixth_form or rng.random() < 0.3:
                sixth = self.choose(house, "sixth_form", kid.sex, exclude=current)
                if sixth is not None and sixth is not current:
                    # Left at the end of year 11, not continuing into this school's sixth form: Ground L.
                    stints[-1].end, stints[-1].ground = _term_end(now - year + 12), "L"
                    stints.append(_Stint(sixth, _term_start(now - year + 12)))
        return stints

    def special_stints(self, kid: _Kid, stints: list[_Stint]) -> list[_Stint]:
        """A child with an EHC plan placed in the special school, from the start or from year 7."""
        year, now = kid.year_group, self.school_year
        if year >= 7 and self.rng.random() < 0.5:
            primary_years = self.cut(stints, _term_end(now - year + 7), "A")
            return [*primary_years, _Stint(self.special, _term_start(now - year + 7))]
        return [_Stint(self.special, stints[0].start)]

    def switch(self, stints: list[_Stint], when: date, school: SchoolRecord, ground: str) -> None:
        """Leave the stint running on `when` with `ground` and carry on at `school` from the next school day."""
        for index, stint in enumerate(stints):
            if stint.start < when and (stint.end is None or stint.end > when):
                start = _weekday_on_or_after(when + timedelta(days=1 + self.rng.randint(0, 8)))
                if stint.end is not None and start >= stint.end:
                    return
                stints.insert(index + 1, _Stint(school, min(start, self.today), stint.end, stint.ground))
                stint.end, stint.ground = when, ground
                return

    def mid_phase_move(self, kid: _Kid, stints: list[_Stint]) -> None:
        """An in-year transfer between two schools of the borough (Ground A)."""
        rng = self.rng
        stint = stints[-1]
        if stint.school.phase_name == "All-through":
            return
        latest = (stint.end or self.today) - timedelta(days=30)
        earliest = max(stint.start + timedelta(days=60), self.today - timedelta(days=3 * 365))
        if latest <= earliest:
            return
        when = _weekday_on_or_before(earliest + timedelta(days=rng.randint(0, (latest - earliest).days)))
        year_then = kid.year_group - (self.school_year - school_year_start(when))
        category = "nursery" if year_then < 0 else "primary" if year_then <= 6 else "secondary"
        if year_then >= 12:
            category = "sixth_form"
        other = self.choose(kid.house, category, kid.sex, exclude=stint.school)
        if other is not None and other is not stint.school and other.serves_year_group(kid.year_group):
            self.switch(stints, when, other, "A")

    def through_closures(self, stints: list[_Stint]) -> list[_Stint]:
        """Route early years through the closed primary and the academy's predecessor where dates require it."""
        rng = self.rng
        result: list[_Stint] = []
        closed = self.closed_primary
        for stint in stints:
            predecessor = self.predecessor.get(stint.school.urn)
            if predecessor is not None and stint.end is not None and stint.end <= stint.school.open_date:
                stint.school = predecessor  # left before the conversion: on the old school's register throughout
            elif predecessor is not None and stint.start < stint.school.open_date:
                # Pupils transferred to the academy on the day it opened.
                result.append(_Stint(predecessor, stint.start, predecessor.close_date, "A"))
                stint.start = stint.school.open_date
            elif (
                closed is not None
                and stint.school.phase_name == "Primary"
                and stint.start < closed.close_date
                and (stint.end is None or stint.end > closed.close_date)
                and rng.random() < 1 / max(2, len(self.categories["primary"]))
            ):
                result.append(_Stint(closed, stint.start, _term_end(closed.close_date.year), "A"))
                stint.start = _term_start(closed.close_date.year)
            elif (
                closed is not None
                and stint.end is not None
                and stint.end <= closed.close_date
                and stint.school.phase_name == "Primary"
                and rng.random() < 1 / max(2, len(self.categories["primary"]))
            ):
                stint.school = closed
            result.append(stint)
        return result

    def cut(self, stints: list[_Stint], when: date, ground: str) -> list[_Stint]:
        """Keep what happened before `when`; whatever was running then ends on `when` with `ground`."""
        kept = []
        for stint in stints:
            if stint.start >= when:
                continue
            if stint.end is None or stint.end > when:
                stint.end, stint.ground = when, ground
            kept.append(stint)
        return kept

    def arrive(self, stints: list[_Stint], arrival: date) -> list[_Stint]:
        """A household that moved into the borough: no enrolment here before it arrived."""
        kept = []
        for stint in stints:
            if stint.end is not None and stint.end <= arrival:
                continue
            if stint.start <= arrival:
                stint.start = min(_weekday_on_or_after(arrival + timedelta(days=self.rng.randint(3, 25))), self.today)
                if stint.end is not None and stint.start >= stint.end:
                    continue
            kept.append(stint)
        return kept

    def leave_while_on_roll(
        self, stints: list[_Stint], most_days_ago: int, ground: str, preferred: date | None = None
    ) -> list[_Stint]:
        """Taken off the roll with `ground` on a school day while actually on a roll, within `most_days_ago` days.

        `preferred` (the date a brother or sister left) is used when the child was on a roll then. Otherwise falls back
        to the latest such period, so a child is never left with a transfer (Ground A) that did not happen.
        """
        rng = self.rng
        if preferred is not None and any(
            s.start + timedelta(days=20) < preferred and (s.end is None or s.end > preferred) for s in stints
        ):
            return self.cut(stints, preferred, ground)
        latest = self.today - timedelta(days=25)
        for stint in reversed(stints):
            first = max(stint.start + timedelta(days=20), self.today - timedelta(days=most_days_ago))
            last = min(stint.end - timedelta(days=1), latest) if stint.end else latest
            if first <= last:
                when = _weekday_on_or_before(first + timedelta(days=rng.randint(0, (last - first).days)))
                if when.month == 8:  # schools do not delete names in the summer holiday: the end of the summer term
                    when = _term_end(when.year)
                if stint.start < when and (stint.end is None or when < stint.end):
                    return self.cut(stints, when, ground)
            most_days_ago = 5 * 365  # none recent enough: the child has been off roll for longer
        return self.cut(stints, latest, ground)

    def household_leaves(self, house: _House, stints: list[_Stint], most_days_ago: int, ground: str) -> list[_Stint]:
        """Siblings usually leave their rolls on the same day: the first child's date is offered to the rest."""
        kept = self.leave_while_on_roll(stints, most_days_ago, ground, house.left_rolls)
        if house.left_rolls is None and kept and kept[-1].ground == ground:
            house.left_rolls = kept[-1].end
        return kept

    def past_weekday(self, earliest_days_ago: int, latest_days_ago: int) -> date:
        day = self.today - timedelta(days=self.rng.randint(latest_days_ago, earliest_days_ago))
        return _weekday_on_or_before(day)

    def schooling(self, kid: _Kid) -> list[_Stint]:
        """The child's enrolments in the borough, ending however their story ends."""
        rng = self.rng
        house, year = kid.house, kid.year_group
        compulsory = is_compulsory_school_age(kid.dob, self.today)
        nursery = rng.random() < 0.5
        stints = self.natural_stints(kid, nursery)
        if stints and self.special is not None and kid.sen == "E" and year >= 0 and rng.random() < 0.35:
            stints = self.special_stints(kid, stints)
        elif stints and rng.random() < 0.08:
            self.mid_phase_move(kid, stints)
        stints = self.through_closures(stints)
        arrived = house.moved_from in ("england", "abroad")
        if arrived:
            stints = self.arrive(stints, house.moved_in)
        if self.pru is not None and 7 <= year <= 11 and stints and stints[-1].school is not self.special:
            roll = rng.random()
            if roll < 0.004:  # permanently excluded (Ground O) and now at the pupil referral unit
                when = self.past_weekday(540, 20)
                if when > stints[-1].start:
                    self.switch(stints, when, self.pru, "O")
            elif roll < 0.007:  # dual registered: main at their school, subsidiary at the unit
                when = self.past_weekday(330, 10)
                if when > stints[-1].start and stints[-1].end is None:
                    stints[-1].status = "M"
                    stints.append(_Stint(self.pru, when, status="S"))

        if house.moved_out is not None:
            kid.moved_away = True
            return self.cut(stints, _weekday_on_or_before(house.moved_out - timedelta(days=rng.randint(0, 15))), "G")
        if compulsory and house.missing:
            if arrived and (self.today - house.moved_in).days < 365:
                return self.cut(stints, house.moved_in, "G")  # arrived recently and never found a place
            return self.household_leaves(house, stints, 330, house.missing_ground)
        if compulsory and house.home_educating and rng.random() < 0.9:
            kid.home_educated = True
            return self.household_leaves(house, stints, 700, "F")
        if compulsory and rng.random() < _MISSING_CHILD_RATE:
            return self.leave_while_on_roll(stints, 330, rng.choice("GI"))
        if year >= 12 and stints and stints[-1].school is not self.special and rng.random() < 0.55:
            # Left school after year 11 for college, an apprenticeship or work.
            return self.cut(stints, _term_end(self.school_year - year + 12), "L")
        if year == 0 and not compulsory and rng.random() < 0.03:
            return []  # deferred entry to reception
        return stints

    def plan_schooling(self) -> list[EnrolmentRecord]:
        enrolments: list[EnrolmentRecord] = []
        for kid in self.kids:
            stints = [s for s in self.schooling(kid) if s.start <= self.today and (s.end is None or s.end >= s.start)]
            kid.stints = stints
            self.issue_identifiers(kid)
            for stint in stints:
                ground = stint.ground if stint.end is not None else None
                enrolments.append(
                    EnrolmentRecord(kid.id, stint.school.urn, stint.status, stint.start, stint.end, ground)
                )
        return enrolments

    # -- identifiers -----------------------------------------------------------------------------------------

    def issue_identifiers(self, kid: _Kid) -> None:
        """UPN from the first school that admitted the child (or from another LA), and an NHS number."""
        rng = self.rng
        house = kid.house
        reception_year = self.school_year - kid.year_group
        from_england = house.moved_from == "england" and house.moved_in > _term_start(reception_year)
        if from_england:
            kid.upn = self.upns.from_elsewhere(reception_year)
            if rng.random() < 0.05:
                kid.former_upn = self.upns.from_elsewhere(reception_year)  # a duplicate UPN since merged
        elif kid.stints:
            first = min(kid.stints, key=lambda s: s.start)
            year = school_year_start(first.start)
            kid.upn = self.upns.permanent(LA_CODE, first.school.establishment_number, year)
            if rng.random() < 0.008:
                kid.former_upn = self.upns.temporary(LA_CODE, first.school.establishment_number, year)
        recent = (
            house.moved_in is not None and house.moved_from != "borough" and (self.today - house.moved_in).days < 365
        )
        current = next((s for s in kid.stints if s.end is None), None)
        if current is not None and kid.upn and recent and rng.random() < 0.4:
            # Admitted recently and the permanent UPN has not arrived from the last school yet.
            kid.former_upn, kid.upn = (
                "",
                self.upns.temporary(LA_CODE, current.school.establishment_number, self.school_year),
            )
        just_arrived = house.moved_from == "abroad" and (self.today - house.moved_in).days < 120
        if not (just_arrived and rng.random() < 0.5) and rng.random() > 0.004:
            kid.nhs = self.nhs_numbers.issue()

    # -- records ---------------------------------------------------------------------------------------------

    def finish_child(self, kid: _Kid) -> ChildRecord:
        on_roll = any(stint.end is None for stint in kid.stints)
        compulsory = is_compulsory_school_age(kid.dob, self.today)
        missing = compulsory and not on_roll and not kid.moved_away and not kid.home_educated
        return ChildRecord(
            id=kid.id,
            given_name=kid.given,
            middle_names=kid.middle,
            family_name=kid.family,
            preferred_name=kid.preferred,
            former_family_name=kid.former_family,
            sex=kid.sex,
            date_of_birth=kid.dob,
            year_group=kid.year_group,
            upn=kid.upn,
            former_upn=kid.former_upn,
            nhs_number=kid.nhs,
            ethnicity=kid.ethnicity,
            name_origin=kid.pool.origin,
            sen_provision=kid.sen,
            household_id=kid.house.id,
            on_roll=on_roll,
            missing_education=missing,
            moved_away=kid.moved_away,
            home_educated=kid.home_educated,
            twin_of=kid.twin_of,
        )

    def finish_household(self, house: _House) -> HouseholdRecord:
        return HouseholdRecord(
            id=house.id,
            address_id=house.address.id,
            previous_address_id=house.previous_address_id,
            moved_in=house.moved_in,
            carer_ids=tuple(carer.id for carer in house.carers),
            child_ids=tuple(kid.id for kid in house.kids),
            structure=house.structure,
            moved_from=house.moved_from,
            moved_out=house.moved_out,
        )


def _between_births(dobs: list[date], split: int) -> int:
    """Move a split point between older and younger siblings so that it never falls between twins."""
    while 0 < split < len(dobs) and dobs[split] == dobs[split - 1]:
        split += 1
    return split


def _gendered(surname: str, sex: str) -> str:
    """The form of a surname a girl is registered with (Polish -ska, Lithuanian -aitė); unchanged for boys."""
    return feminine_surname(surname, married=False) if sex == "F" else surname


def generate_borough(
    *, seed: int = 2026, children: int = 8000, schools: int = 40, today: date | None = None
) -> Borough:
    """Generate a fictional borough: equal arguments always give an equal Borough, on any machine, on any day.

    `children` is met exactly and `schools` counts every register row, including a couple of closed schools.
    Raises ValueError for fewer than two schools or a negative number of children.
    """
    if children < 0:
        raise ValueError("The number of children cannot be negative.")
    return _Generator(seed=seed, children=children, schools=schools, today=today or DEFAULT_TODAY).run()
