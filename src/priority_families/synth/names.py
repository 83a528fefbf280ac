"""Name and street vocabularies for the synthetic county.

Lists are short and drawn with a skew (`population._weighted`): common names (John Smith, Sarah Jones) make
unrelated people with the same name and birth year a routine occurrence, as in any real county.
All names are invented combinations; no real person's record is used.
"""

from __future__ import annotations

# Earlier entries are drawn more often (weights fall with the position in the list).
MALE_FIRST: tuple[str, ...] = (
    "John", "James", "William", "Thomas", "Jack", "Daniel", "David", "Michael", "Robert", "Joseph",
    "Oliver", "Harry", "Charlie", "George", "Mohammed", "Richard", "Christopher", "Matthew", "Anthony",
    "Samuel", "Benjamin", "Alexander", "Edward", "Andrew", "Jacob", "Nicholas", "Peter", "Stephen",
    "Liam", "Noah", "Kyle", "Connor", "Reece", "Tyler", "Callum", "Jamal", "Ryan", "Dylan", "Leo",
    "Ethan", "Lewis", "Aaron", "Kieran", "Declan", "Patrick", "Sean", "Adam", "Ali", "Hassan", "Tomasz",
    "Piotr", "Kacper", "Darius", "Jose", "Rafal", "Zoltan", "Ravi", "Arjun", "Imran", "Bilal",
)
FEMALE_FIRST: tuple[str, ...] = (
    "Sarah", "Emma", "Olivia", "Elizabeth", "Jessica", "Emily", "Sophie", "Chloe", "Amelia", "Katherine",
    "Rebecca", "Hannah", "Charlotte", "Lucy", "Margaret", "Jennifer", "Victoria", "Samantha", "Abigail",
    "Grace", "Isabella", "Ava", "Mia", "Lily", "Ellie", "Megan", "Laura", "Rachel", "Nicola", "Kelly",
    "Danielle", "Gemma", "Leanne", "Stacey", "Kayleigh", "Chantelle", "Jade", "Amber", "Courtney",
    "Shannon", "Aisha", "Fatima", "Zainab", "Amira", "Maja", "Zuzanna", "Agnieszka", "Priya", "Anjali",
    "Zoë", "Chloé", "Siobhan", "Niamh", "Aoife", "Patricia", "Susan", "Deborah", "Christine", "Alexandra",
    "Natalie",
)
SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Rodriguez",
    "Cox", "Alexander", "Morgan", "Moore", "Mills", "King", "Scott", "Turner", "Hill", "Baker",
    "Harris", "Cooper", "Ward", "Morris", "Young", "Allen", "Hughes", "Edwards", "Bell", "Shaw",
    "O'Brien", "O'Connor", "McDonald", "MacLeod", "Nowak", "Kowalski", "Wiśniewski", "Hussain", "Ahmed",
    "Begum", "Singh", "Kaur", "Okafor", "Mensah", "Da Silva", "Van Der Berg", "Fitzgerald", "Nguyen",
    "Abbott", "Pritchard", "Greenwood", "Whitehouse", "Ashworth", "Lancaster", "Fairbrother", "Oyelaran",
)
# Surnames that pair into double-barrelled names ("Smith-Jones") or are written with a space.
BARREL_PARTS: tuple[str, ...] = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Hall", "Wood", "Clarke")

NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy", "Liam"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Eliza"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Richard": ("Rick", "Dick", "Rich"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Thomas": ("Tom", "Tommy"),
    "Michael": ("Mike", "Mick"),
    "Christopher": ("Chris",),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben",),
    "Alexander": ("Alex", "Sandy"),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Andrew": ("Andy", "Drew"),
    "Nicholas": ("Nick",),
    "Daniel": ("Dan", "Danny"),
    "David": ("Dave",),
    "Joseph": ("Joe",),
    "Peter": ("Pete",),
    "Stephen": ("Steve",),
    "Katherine": ("Kate", "Katie", "Kath"),
    "Jennifer": ("Jenny", "Jen"),
    "Victoria": ("Vicky", "Tori"),
    "Samantha": ("Sam", "Sammy"),
    "Abigail": ("Abbie", "Abby"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess",),
    "Charlotte": ("Lottie", "Charlie"),
    "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue",),
    "Deborah": ("Debbie", "Deb"),
    "Christine": ("Chris",),
    "Alexandra": ("Alex", "Lexi"),
    "Isabella": ("Bella", "Izzy"),
    "Natalie": ("Nat",),
    "Mohammed": ("Mohammad", "Muhammad", "Mo"),
}

STREET_NAMES: tuple[str, ...] = (
    "High", "Church", "Station", "Mill", "Park", "Victoria", "Queens", "Kings", "Albert", "Manor",
    "Chapel", "Grove", "Springfield", "Westfield", "Highfield", "Mansfield", "Derby", "Alfreton", "Hucknall",
    "Carlton", "Sherwood", "Bestwood", "Arnold", "Gedling", "Radford", "Lenton", "Bulwell", "Basford",
    "Clifton", "Wollaton", "Beeston", "Chilwell", "Stapleford", "Eastwood", "Kimberley", "Trent", "Forest",
    "Oak", "Ash", "Beech", "Elm", "Willow", "Cedar", "Maple", "Hawthorn", "Rowan", "Larch", "Sycamore",
    "Meadow", "Orchard", "Brook", "Ford", "Bridge", "Cross", "Hill", "Vale", "Dale", "Windsor", "York",
    "Lincoln", "Newark", "Southwell", "Bingham", "Ruddington", "Keyworth", "Cotgrave", "Radcliffe",
)
# (full suffix, abbreviation partners use); "Way" has no abbreviation.
STREET_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("Road", "Rd"),
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
    ("Close", "Cl"),
    ("Crescent", "Cres"),
    ("Gardens", "Gdns"),
    ("Way", "Way"),
)
ABBREVIATIONS: dict[str, str] = {full: short for full, short in STREET_SUFFIXES if full != short}
