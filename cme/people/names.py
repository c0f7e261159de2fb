"""Name knowledge for finding people: folding, known-as forms, spelling variants, phonetic keys and similarity."""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler

# Why this module: officers search for children whose names reach them misspelt, transliterated differently by each
# agency, shortened ("Billy" for William) or hyphenated in one record and not in another. Everything here is pure,
# so the same rules serve search now and record linkage later, and can be tested without a database.

# Formal given name -> common known-as forms ("Billy" for William). Ambiguous forms ("Alex", "Harry") are listed
# under every formal name they shorten; a search for one finds children with any of them.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Will", "Billy", "Bill"),
    "Margaret": ("Maggie", "Meg", "Peggy"),
    "Aleksandra": ("Ola", "Ala"),
    "Alexandra": ("Alex", "Lexi", "Sasha"),
    "Oleksandra": ("Sasha", "Lesia"),
    "Alexander": ("Alex", "Xander", "Sasha"),
    "Aleksander": ("Olek", "Alek"),
    "Alexandru": ("Alex",),
    "Oleksandr": ("Sasha", "Alex"),
    "Elizabeth": ("Beth", "Lizzie", "Liz", "Eliza"),
    "Katherine": ("Kate", "Katie", "Kath"),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Magdalena": ("Magda",),
    "Joanna": ("Asia",),
    "Agnieszka": ("Aga",),
    "Zofia": ("Zosia",),
    "Zuzanna": ("Zuzia",),
    "Wojciech": ("Wojtek",),
    "Jakub": ("Kuba",),
    "Krzysztof": ("Krzysiek",),
    "Tomasz": ("Tomek",),
    "Thomas": ("Tom", "Tommy"),
    "James": ("Jamie", "Jim"),
    "Robert": ("Rob", "Bobby"),
    "Benjamin": ("Ben", "Benji"),
    "Samuel": ("Sam", "Sammy"),
    "Joseph": ("Joe", "Joey"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Oliver": ("Ollie",),
    "Charlotte": ("Lottie", "Charlie"),
    "Olivia": ("Liv", "Livvy"),
    "Isabella": ("Bella", "Izzy"),
    "Amelia": ("Millie",),
    "Jessica": ("Jess",),
    "Rebecca": ("Becky", "Becca"),
    "Victoria": ("Tori", "Vicky"),
    "Abigail": ("Abbie",),
    "Christopher": ("Chris",),
    "Michael": ("Mike", "Mikey"),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon", "Jonny"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Henry": ("Harry", "Hal"),
    "Frederick": ("Freddie", "Fred"),
    "Theodore": ("Theo", "Teddy"),
    "Eleanor": ("Ellie", "Nell"),
    "Florence": ("Flo", "Florrie"),
    "Patrick": ("Paddy", "Pat"),
    "Pádraig": ("Paddy",),
    "Bridget": ("Bridie",),
    "Kathleen": ("Kathy", "Kath"),
    "Nathaniel": ("Nate", "Nat"),
    "Gabriel": ("Gabe",),
    "Gabriela": ("Gabi",),
    "Francisco": ("Chico",),
    "José": ("Zé",),
    "Rafael": ("Rafa",),
    "Beatriz": ("Bia",),
    "Margarida": ("Guida",),
    "Guilherme": ("Gui",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Mohamed": ("Mo",),
    "Abdullahi": ("Abdi",),
    "Abdirahman": ("Abdi",),
    "Abdikarim": ("Abdi",),
    "Zakariya": ("Zak",),
    "Zakaria": ("Zak",),
    "Oluwaseun": ("Seun",),
    "Oluwatobi": ("Tobi",),
    "Babatunde": ("Tunde",),
    "Oluwafunmilayo": ("Funmi",),
    "Temitope": ("Temi", "Tope"),
    "Ayodele": ("Ayo",),
    "Chukwuemeka": ("Emeka",),
    "Ikechukwu": ("Ike",),
    "Chiamaka": ("Amaka",),
    "Adaeze": ("Ada",),
    "Dmytro": ("Dima",),
    "Harpreet": ("Harry",),
    "Harjit": ("Harry",),
    "Jaspreet": ("Jas",),
    "Jasleen": ("Jas",),
    "Manpreet": ("Manny",),
    "Navneet": ("Nav",),
    "Parminder": ("Pam",),
    "Aditya": ("Adi",),
    "Mehmet": ("Memo",),
    # Common English known-as forms beyond the demo pools.
    "John": ("Jack", "Johnny"),
    "Charles": ("Charlie", "Chas"),
    "Anthony": ("Tony", "Ant"),
    "Richard": ("Rich", "Richie", "Ricky", "Dick"),
    "Stephen": ("Steve", "Stevie"),
    "Andrew": ("Andy", "Drew"),
    "Alfred": ("Alfie", "Alf"),
    "Archibald": ("Archie",),
    "David": ("Dave", "Davey"),
    "Peter": ("Pete",),
    "Jennifer": ("Jenny", "Jen"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Debs"),
    "Mary": ("Molly", "Polly"),
}

# Spellings of the same given name or surname across transliterations and diacritics. The first spelling of a
# group is its canonical form; each spelling is in one group only, so a spelling identifies its group.
SPELLING_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad", "Md"),
    ("Yusuf", "Yousef", "Yusef", "Youssef", "Yousuf", "Yousaf"),
    ("Alexander", "Aleksander", "Aleksandr", "Oleksandr", "Alexandr"),
    ("Alexandra", "Aleksandra", "Oleksandra"),
    ("Ahmed", "Ahmad", "Ahmet"),
    ("Omar", "Umar", "Ömer", "Omer"),
    ("Hussein", "Hussain", "Husain", "Hossain", "Hüseyin", "Huseyin"),
    ("Fatima", "Fatimah", "Fatema", "Fatma", "Fadumo", "Faduma"),
    ("Aisha", "Ayesha", "Aysha", "Aishah", "Ayşe", "Ayse"),
    ("Maryam", "Mariam", "Maryan", "Miriam"),
    ("Zainab", "Zaynab", "Zeinab", "Zeynep"),
    ("Layla", "Leila", "Laila", "Leyla"),
    ("Nour", "Noor", "Nur", "Nuur"),
    ("Yasmin", "Yasmine", "Jasmine", "Jasmin", "Yasemin"),
    ("Ibrahim", "Ebrahim", "İbrahim"),
    ("Mustafa", "Mostafa", "Moustafa", "Mustapha"),
    ("Khalid", "Khaled"),
    ("Abdullahi", "Abdillahi", "Abdulahi"),
    ("Abdirahman", "Abdurahman", "Abdulrahman"),
    ("Abdullah", "Abdallah", "Abdulla"),
    ("Mohamud", "Mahmoud", "Mahmood", "Mahmud"),
    ("Osman", "Othman", "Usman", "Uthman"),
    ("Hamza", "Hamzah"),
    ("Said", "Saeed", "Saed"),
    ("Sumaya", "Sumaiya", "Sumayyah"),
    ("Iman", "Eman", "Imaan"),
    ("Khadija", "Khadijah", "Khadiza"),
    ("Inaaya", "Inaya"),
    ("Zakariya", "Zakaria", "Zakariyya"),
    ("Hawa", "Hawo"),
    ("Sahra", "Zahra"),
    ("Chowdhury", "Choudhury", "Chaudhry", "Chaudhary"),
    ("Hoque", "Haque", "Huq"),
    ("Rahman", "Rehman"),
    ("Miah", "Meah"),
    ("Farouk", "Farooq", "Faruk"),
    ("Hashem", "Hashim"),
    ("Qasim", "Kasim", "Qassim"),
    ("Yassin", "Yasin", "Yaseen"),
    ("Suleiman", "Sulaiman", "Suleyman"),
    ("Al-Sayed", "El-Sayed", "Elsayed"),
    ("Seán", "Sean", "Shaun"),
    ("Siobhán", "Siobhan"),
    ("Róisín", "Roisin"),
    ("Ciarán", "Ciaran", "Kieran"),
    ("Oisín", "Oisin"),
    ("Sinéad", "Sinead"),
    ("Pádraig", "Padraig"),
    ("Łukasz", "Lukasz", "Lukas", "Lucas"),
    ("Wiśniewski", "Wisniewski"),
    ("Thomas", "Tomás", "Tomas", "Tomasz"),
    ("João", "Joao"),
    ("Gonçalves", "Goncalves"),
    ("Inês", "Ines"),
    ("Ionuț", "Ionut"),
    ("Ștefan", "Stefan"),
    ("Mădălina", "Madalina"),
    ("Lăcătuș", "Lacatus"),
    ("Yılmaz", "Yilmaz"),
    ("Şahin", "Sahin"),
    ("Andriy", "Andrii", "Andrij"),
    ("Mariya", "Mariia", "Maria"),
    ("Sofiya", "Sofiia", "Sofia"),
    ("Chen", "Chan"),
    ("Li", "Lee"),
    ("Zhang", "Cheung", "Chang"),
    ("Wu", "Ng"),
    ("Liu", "Lau"),
    ("He", "Ho"),
    ("Lin", "Lam"),
    ("Zheng", "Cheng"),
    ("Huang", "Wong"),
    ("Zhou", "Chow", "Chau"),
    ("Guo", "Kwok"),
    ("Liang", "Leung"),
    ("Zeng", "Tsang"),
    ("Zihan", "Zi Han", "Zi-Han"),
    ("Haoran", "Hao Ran", "Hao-Ran"),
    ("Xinyi", "Xin Yi", "Xin-Yi"),
    ("Chantelle", "Shantelle", "Shantel"),
    ("Aaliyah", "Aliyah", "Aleah"),
    ("Renée", "Renee"),
    ("Zoë", "Zoe"),
    ("Kojo", "Kwadwo", "Kwadjo"),
    ("Kwaku", "Kweku"),
    # Common English spelling variants beyond the demo pools.
    ("John", "Jon"),
    ("Stephen", "Steven"),
    ("Katherine", "Catherine", "Kathryn", "Katharine", "Catharine"),
    ("Philip", "Phillip"),
    ("Jayden", "Jaden", "Jaiden"),
)

# The same groups as sets, the form cme.demo and record-linkage tests use.
TRANSLITERATIONS: list[frozenset[str]] = [frozenset(group) for group in SPELLING_VARIANTS]

# Words that join the parts of a family name rather than being one ("Santos da Silva", "Al-Sayed", "van der Berg").
# They are dropped only when another part remains, so a family name that is just "Le" or "Da" still has a key.
SURNAME_PARTICLES = frozenset(
    ("al", "el", "bin", "ibn", "bint", "binti", "da", "das", "de", "del", "della", "di", "do", "dos", "du", "van",
     "von", "der", "den", "ter", "ten", "ap")
)  # fmt: skip

# How alike two names are, best first. A tier applies when the rule named holds; otherwise the spellings are compared
# by Jaro-Winkler similarity, which forgives a slip ("Smiht" and "Smith" are 0.95 alike) but also rates unrelated
# short names that share first letters ("Khan" and "Khalid", 0.8) highly: below TYPO it is only weak evidence.
SAME = 1.0  # identical once folded: "Zoë" and "zoe"
SPELLING = 0.97  # spellings of one name: "Aleksandra" and "Alexandra"
KNOWN_AS = 0.93  # a known-as form: "Billy" and "William"
PART = 0.93  # one part of a two-part name: "Hassan" and "Ali-Hassan", "Mary" and "Mary Jane"
SOUNDS_LIKE = 0.9  # the same phonetic key: "Smyth" and "Smith"
TYPO = 0.9  # spellings at least this alike score their similarity: a slip of the keyboard
WEAK = 0.8  # spellings at least this alike (and under TYPO) score WEAK_SCORE
WEAK_SCORE = 0.5
PHONETIC_KEY_LENGTH = 20
MEANINGFUL_KEY_LENGTH = 2

# Searching compares the same few thousand names over and over; these functions are pure, so remember answers.
_remembered = lru_cache(maxsize=2**16)

_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D", "ı": "i", "æ": "ae", "Æ": "AE",
     "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H"}
)  # fmt: skip
_DROPPED = frozenset("'’‘`´.")  # O'Brien and OBrien, St. and St, are the same name


@_remembered
def fold(name: str) -> str:
    """The name in lower case without diacritics; apostrophes dropped, other separators one space.

    >>> fold("  Łukasz O'Brien-Ní Dhónaill ")
    'lukasz obrien ni dhonaill'
    """
    text = unicodedata.normalize("NFKD", name.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    kept = []
    for char in text:
        if unicodedata.combining(char) or char in _DROPPED:
            continue
        kept.append(char if char.isalpha() else " ")
    return " ".join("".join(kept).casefold().split())


def _compact(folded: str) -> str:
    return folded.replace(" ", "")


_CANONICAL_SPELLING: dict[str, str] = {
    _compact(fold(spelling)): fold(group[0]) for group in SPELLING_VARIANTS for spelling in group
}


@_remembered
def canonical_spelling(name: str) -> str:
    """The folded first spelling of the name's spelling group, or the folded name if it is in none.

    >>> canonical_spelling("Aleksandra"), canonical_spelling("Zi-Han"), canonical_spelling("Smyth")
    ('alexandra', 'zihan', 'smyth')
    """
    folded = fold(name)
    return _CANONICAL_SPELLING.get(_compact(folded), folded)


def _nickname_indexes() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Known-as forms of each formal name, and formal names of each known-as form, all as canonical spellings."""
    known_as: dict[str, set[str]] = {}
    formal_of: dict[str, set[str]] = {}
    for formal, forms in NICKNAMES.items():
        formal = canonical_spelling(formal)
        for form in map(canonical_spelling, forms):
            known_as.setdefault(formal, set()).add(form)
            formal_of.setdefault(form, set()).add(formal)
    return (
        {name: frozenset(forms) for name, forms in known_as.items()},
        {name: frozenset(formals) for name, formals in formal_of.items()},
    )


_KNOWN_AS, _FORMAL_OF = _nickname_indexes()


def _known_name(canonical: str) -> bool:
    return canonical in _KNOWN_AS or canonical in _FORMAL_OF or _compact(canonical) in _CANONICAL_SPELLING


@_remembered
def forename_canonical(name: str) -> str:
    """The canonical spelling of a given name: of the whole name if we know it ("Zi Han"), else of its first word.

    >>> forename_canonical("Muhammad Ali"), forename_canonical("Zi Han"), forename_canonical("Billy")
    ('mohammed', 'zihan', 'billy')
    """
    whole = canonical_spelling(name)
    if _known_name(whole) or " " not in whole:
        return whole
    return canonical_spelling(whole.split(" ")[0])


@_remembered
def forename_family(name: str) -> frozenset[str]:
    """Every canonical spelling `name` may stand for: itself, the formal names it shortens and their other forms.

    >>> sorted(forename_family("Billy"))
    ['bill', 'billy', 'will', 'william']
    """
    own = forename_canonical(name)
    if not own:
        return frozenset()
    formals = {own} | _FORMAL_OF.get(own, frozenset())
    family = set(formals)
    for formal in formals:
        family |= _KNOWN_AS.get(formal, frozenset())
    return frozenset(family)


@_remembered
def surname_parts(name: str) -> tuple[str, ...]:
    """The canonical parts of a family name, joining particles dropped while another part remains.

    >>> surname_parts("Ali-Hassan"), surname_parts("Santos da Silva"), surname_parts("El-Sayed")
    (('ali', 'hassan'), ('santos', 'silva'), ('sayed',))
    """
    words = canonical_spelling(name).split()
    parts = [word for word in words if word not in SURNAME_PARTICLES] or words
    return tuple(canonical_spelling(part) for part in parts)


@_remembered
def phonetic_key(name: str) -> str:
    """A Metaphone key of the folded name, with no H after the first letter, so that "Khan" and "Kahn" agree.

    >>> phonetic_key("Smyth") == phonetic_key("Smith"), phonetic_key("Kahn") == phonetic_key("Khan")
    (True, True)
    """
    code = jellyfish.metaphone(_compact(fold(name)))
    return (code[:1] + code[1:].replace("H", ""))[:PHONETIC_KEY_LENGTH]


def forename_key(name: str) -> str:
    """The search key stored for a given or preferred name: the phonetic key of its canonical spelling."""
    return phonetic_key(forename_canonical(name))


def forename_query_keys(name: str) -> frozenset[str]:
    """Keys that find a child by a given name typed in a search: those of every name in its family."""
    return frozenset(key for key in map(phonetic_key, forename_family(name)) if key)


def surname_keys(name: str) -> tuple[str, str]:
    """The two search keys stored for a family name: its first part, and its last part when there are several."""
    keys = [phonetic_key(part) for part in surname_parts(name)]
    if not keys:
        return "", ""
    last = keys[-1] if len(keys) > 1 and keys[-1] != keys[0] else ""
    return keys[0], last


def surname_query_keys(name: str) -> frozenset[str]:
    """Keys that find a child by a family name typed in a search: those of each of its parts."""
    return frozenset(key for key in map(phonetic_key, surname_parts(name)) if key)


def search_keys(*, given_name: str, family_name: str) -> dict[str, str]:
    """The search-key columns for a person with these names (Child, Carer and PersonName share these names)."""
    family_name_key, family_name_part_key = surname_keys(family_name)
    return {
        "given_name_key": forename_key(given_name),
        "family_name_key": family_name_key,
        "family_name_part_key": family_name_part_key,
    }


def search_keys_fill(person):
    """Set the search-key columns of a Child, Carer or PersonName from its names, before it is saved; return it.

    Services call this on every write; bulk loads (cme.demo.loader) call it on each row before `bulk_create`.
    """
    for field, value in search_keys(given_name=person.given_name, family_name=person.family_name).items():
        setattr(person, field, value)
    if hasattr(person, "preferred_name_key"):
        person.preferred_name_key = forename_key(person.preferred_name)
    return person


@dataclass(frozen=True, slots=True)
class NameComparison:
    """How alike two names are (0 to 1) and why: "same", "spelling", "known_as", "part", "sounds_like",
    "sounds_like_part", "similar" (spelt nearly alike), "weak" or "different"."""

    score: float
    how: str


NO_LIKENESS = NameComparison(0.0, "different")


def _spelling_likeness(query: str, candidate: str) -> NameComparison:
    similarity = JaroWinkler.normalized_similarity(query, candidate)
    if similarity >= TYPO:
        return NameComparison(similarity, "similar")
    if similarity >= WEAK:
        return NameComparison(WEAK_SCORE, "weak")
    return NO_LIKENESS


def _best(tier: NameComparison, query: str, candidate: str) -> NameComparison:
    """The tier that applies, scored at least as well as the spelling alone; else the spelling alone."""
    spelt = _spelling_likeness(query, candidate)
    if tier is NO_LIKENESS:
        return spelt
    return NameComparison(max(tier.score, spelt.score), tier.how)


def _sound_alike(names: tuple[str, ...], others: tuple[str, ...]) -> bool:
    """True if any of `names` shares a phonetic key with any of `others`. One-letter keys ("Mo" and "Ma" are both M)
    say too little to count: such names are compared by spelling alone."""
    keys = {key for key in map(phonetic_key, names) if len(key) >= MEANINGFUL_KEY_LENGTH}
    return bool(keys & set(map(phonetic_key, others)))


@_remembered
def forename_likeness(query: str, candidate: str) -> NameComparison:
    """How alike a given name typed in a search is to one on a record.

    >>> forename_likeness("Billy", "William")
    NameComparison(score=0.93, how='known_as')
    """
    if not (fold(query) and fold(candidate)):
        return NO_LIKENESS
    if fold(query) == fold(candidate):
        return NameComparison(SAME, "same")
    own_query, own_candidate = forename_canonical(query), forename_canonical(candidate)
    if own_query == own_candidate and canonical_spelling(query) != canonical_spelling(candidate):
        tier = NameComparison(PART, "part")  # "Mary" and "Mary Jane": the first word agrees
    elif own_query == own_candidate:
        tier = NameComparison(SPELLING, "spelling")
    elif own_candidate in forename_family(query) or own_query in forename_family(candidate):
        tier = NameComparison(KNOWN_AS, "known_as")
    elif _sound_alike((own_query,), (own_candidate,)):
        tier = NameComparison(SOUNDS_LIKE, "sounds_like")
    else:
        tier = NO_LIKENESS
    return _best(tier, fold(query), fold(candidate))


@_remembered
def surname_likeness(query: str, candidate: str) -> NameComparison:
    """How alike a family name typed in a search is to one on a record.

    >>> surname_likeness("Hassan", "Ali-Hassan")
    NameComparison(score=0.93, how='part')
    """
    if not (fold(query) and fold(candidate)):
        return NO_LIKENESS
    if fold(query) == fold(candidate):
        return NameComparison(SAME, "same")
    query_parts, candidate_parts = surname_parts(query), surname_parts(candidate)
    if query_parts == candidate_parts:
        tier = NameComparison(SPELLING, "spelling")
    elif set(query_parts) & set(candidate_parts):
        tier = NameComparison(PART, "part")
    elif len(query_parts) == len(candidate_parts) and all(map(_sound_alike_pair, query_parts, candidate_parts)):
        tier = NameComparison(SOUNDS_LIKE, "sounds_like")
    elif _sound_alike(query_parts, candidate_parts):
        tier = NameComparison(PART * SOUNDS_LIKE, "sounds_like_part")
    else:
        tier = NO_LIKENESS
    return _best(tier, fold(query), fold(candidate))


def _sound_alike_pair(name: str, other: str) -> bool:
    return _sound_alike((name,), (other,))
