"""SQL expressions that standardise partner values for linkage and check identifiers.

Every function takes a SQL expression (usually a quoted column name) and returns a DuckDB SQL
expression, so ingest standardises whole tables in one statement and tests can run the same expression
on single values. Raw values are always kept beside the standardised ones in `records`.

Decisions (documented in docs/store.md):
- names: upper case, accents folded, hyphens and apostrophes removed so `Smith-Jones` and `O'Brien`
  become `SMITHJONES` and `OBRIEN` (partners write double-barrelled names both ways; joining them is the
  form that never splits one name into two tokens), any other non-letter becomes a space, spaces collapsed.
- postcodes: spaces removed, upper case, then written `OUTWARD INWARD` when the shape is a UK postcode.
- address line: upper case, punctuation to spaces, street words abbreviated (ROAD->RD ...), a flat written
  any of the common ways (`Flat 3, 12 High St`, `3/12 High St`, `12 High St Flat 3`) becomes
  `FLAT 3 12 HIGH ST` with `flat` = `3` and `house_number` = `12`.
"""

from __future__ import annotations

from priority_families.core.calendar import SEASONS
from priority_families.core.sql import sql_str
from priority_families.ingest.identifiers import UPN_LETTERS, WHITESPACE_CLASS

# Street and place words partners write in full or abbreviated; the abbreviation is the standard form.
STREET_WORDS: dict[str, str] = {
    "ROAD": "RD",
    "STREET": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "DRIVE": "DR",
    "LANE": "LN",
    "CLOSE": "CL",
    "COURT": "CT",
    "CRESCENT": "CRES",
    "PLACE": "PL",
    "GARDENS": "GDNS",
    "TERRACE": "TER",
    "TERR": "TER",
    "GROVE": "GR",
    "SQUARE": "SQ",
    "WALK": "WLK",
    "HOUSE": "HO",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "APARTMENT": "FLAT",
    "APT": "FLAT",
}

POSTCODE_SHAPE = r"^((?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR))([0-9][A-Z]{2})$"
NI_SHAPE = r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]"
NI_BANNED_PREFIXES = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
_UPN_SHAPE = f"[{UPN_LETTERS}][0-9]{{11}}[0-9{UPN_LETTERS}]"


def blank_to_null(expr: str) -> str:
    """The trimmed value, NULL when blank: partners send blanks as empty, spaces or nothing."""
    return f"nullif(trim({expr}), '')"


def name_std(expr: str) -> str:
    """Upper case, accents folded, hyphens/apostrophes removed, other non-letters to spaces, one space."""
    folded = f"upper(strip_accents(coalesce({expr}, '')))"
    joined = f"regexp_replace({folded}, '[-''’`]', '', 'g')"
    spaced = f"regexp_replace({joined}, '[^A-Z]+', ' ', 'g')"
    return f"nullif(trim({spaced}), '')"


def postcode_std(expr: str) -> str:
    """Canonical `NG7 2AB`; NULL when blank or not the shape of a UK postcode."""
    squeezed = f"upper(regexp_replace(coalesce({expr}, ''), '\\s', '', 'g'))"
    return (
        f"CASE WHEN regexp_full_match({squeezed}, {sql_str(POSTCODE_SHAPE)}) "
        f"THEN regexp_replace({squeezed}, {sql_str(POSTCODE_SHAPE)}, '\\1 \\2') END"
    )


def address_words(expr: str) -> str:
    """Upper case, accents folded, punctuation (except `/`) to spaces, street words abbreviated.

    Ingest computes this once per row; the flat/house/street expressions below read its result.
    """
    cleaned = f"upper(strip_accents(coalesce({expr}, '')))"
    cleaned = f"regexp_replace({cleaned}, '\\s*/\\s*', '/', 'g')"
    cleaned = f"trim(regexp_replace({cleaned}, '[^A-Z0-9/]+', ' ', 'g'))"
    cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in STREET_WORDS.items())
    return (
        f"array_to_string(list_transform(string_split({cleaned}, ' '), "
        f"lambda w: CASE w {cases} ELSE w END), ' ')"
    )


# A flat written first (`FLAT 3 12 HIGH ST`) or last (`12 HIGH ST FLAT 3`) is first rewritten to the slash
# form (`3/12 HIGH ST`); one pattern then reads flat, house number and street from every form.
_HOUSE = r"[0-9]+[A-Z]?"
_FLAT_FIRST = (rf"^FLAT ([0-9A-Z]+) ({_HOUSE}) ", r"\1/\2 ")
_FLAT_LAST = (rf"^({_HOUSE}) (.+) FLAT ([0-9A-Z]+)$", r"\3/\1 \2")
_PARTS = rf"^(?:([0-9A-Z]+)/)?({_HOUSE}) (.+)$"
# Slips of the keyboard that hide the parts (issue 14): `FLAT3 12 HIGH ST` (no space after FLAT); the
# house number's last digit shifted onto the street, `21 3BELLS LN` for `213 BELLS LN` (never an ordinal
# street such as `12 3RD AVE`); a bare flat number before the house number, `3 12 HIGH ST`.
_FLAT_GLUED = (r"^FLAT([0-9]+[A-Z]?) ", r"FLAT \1 ")
_SHIFTED_DIGIT = (r"^((?:FLAT [0-9A-Z]+ )?[0-9]+) ([0-9])([A-Z]{2,}) ", r"\1\2 \3 ")
_ORDINAL_STREET = r"^(?:FLAT [0-9A-Z]+ )?[0-9]+ [0-9](?:ST|ND|RD|TH) "
_BARE_FLAT = (rf"^([0-9]+[A-Z]?) ({_HOUSE}) ", r"\1/\2 ")


def address_parts(words: str) -> str:
    """A struct (flat, house_number, street) read from `address_words`; empty strings where absent."""
    glued = f"regexp_replace({words}, {sql_str(_FLAT_GLUED[0])}, {sql_str(_FLAT_GLUED[1])})"
    canon = (f"CASE WHEN regexp_matches({glued}, {sql_str(_ORDINAL_STREET)}) THEN {glued} "
             f"ELSE regexp_replace({glued}, {sql_str(_SHIFTED_DIGIT[0])}, {sql_str(_SHIFTED_DIGIT[1])}) END")
    for pattern, replacement in (_BARE_FLAT, _FLAT_FIRST, _FLAT_LAST):
        canon = f"regexp_replace({canon}, {sql_str(pattern)}, {sql_str(replacement)})"
    return f"regexp_extract({canon}, {sql_str(_PARTS)}, ['flat', 'house_number', 'street'])"


def flat(parts: str) -> str:
    """The flat number or letter from `address_parts`; NULL when none."""
    return f"nullif(({parts}).flat, '')"


def house_number(parts: str) -> str:
    """The house number (with a letter suffix such as `12A`) from `address_parts`; NULL when none."""
    return f"nullif(({parts}).house_number, '')"


def street(parts: str, words: str) -> str:
    """The address after flat and house number; the whole line when it has no house number."""
    return f"coalesce(nullif(({parts}).street, ''), nullif({words}, ''))"


def address_std(flat_expr: str, house_expr: str, street_expr: str) -> str:
    """The address line written one way, `FLAT 3 12 HIGH ST`, from its parsed parts; NULL when blank."""
    return f"nullif(concat_ws(' ', 'FLAT ' || ({flat_expr}), {house_expr}, {street_expr}), '')"


def uprn(expr: str) -> str:
    """UPRN as BIGINT when it is 1-12 digits (spaces ignored), else NULL; never through a float."""
    squeezed = f"regexp_replace(coalesce({expr}, ''), '\\s', '', 'g')"
    return f"CASE WHEN regexp_full_match({squeezed}, '[0-9]{{1,12}}') THEN CAST({squeezed} AS BIGINT) END"


def _squeezed_upper(expr: str, remove: str) -> str:
    """Remove `remove` characters; upper-case only pure-ASCII values (non-ASCII can never be valid, and
    upper-casing it could turn e.g. a dotless i into an ASCII I); NULL when nothing is left."""
    squeezed = f"regexp_replace(coalesce({expr}, ''), {sql_str(remove)}, '', 'g')"
    return (
        f"nullif(CASE WHEN regexp_matches({squeezed}, '[^\\x00-\\x7F]') THEN {squeezed} "
        f"ELSE upper({squeezed}) END, '')"
    )


def upn_std(expr: str) -> str:
    """UPN upper case without whitespace; NULL when blank."""
    return _squeezed_upper(expr, WHITESPACE_CLASS)


def nhs_number_std(expr: str) -> str:
    """NHS number without whitespace or hyphens; NULL when blank."""
    return _squeezed_upper(expr, WHITESPACE_CLASS[:-1] + "-]")


def ni_number_std(expr: str) -> str:
    """NI number upper case without whitespace; NULL when blank."""
    return _squeezed_upper(expr, WHITESPACE_CLASS)


def upn_valid(u: str) -> str:
    """The UPN check letter holds (mirrors `identifiers.upn_is_valid`); NULL when blank.

    Takes the `upn_std` value so the standardisation runs once per row, not once per character.
    """
    value = f"CASE WHEN substr({u}, i, 1) BETWEEN '0' AND '9' THEN ascii(substr({u}, i, 1)) - 48 " \
        f"ELSE instr({sql_str(UPN_LETTERS)}, substr({u}, i, 1)) - 1 END"
    total = f"list_sum(list_transform(range(2, 14), lambda i: ({value}) * i))"
    return (
        f"CASE WHEN {u} IS NULL THEN NULL WHEN NOT regexp_full_match({u}, {sql_str(_UPN_SHAPE)}) THEN false "
        f"ELSE substr({sql_str(UPN_LETTERS)}, CAST(({total}) % 23 AS INTEGER) + 1, 1) = substr({u}, 1, 1) END"
    )


def nhs_number_valid(n: str) -> str:
    """The mod-11 check digit holds (mirrors `identifiers.nhs_number_is_valid`); NULL when blank.

    Takes the `nhs_number_std` value.
    """
    total = f"list_sum(list_transform(range(1, 10), lambda i: (ascii(substr({n}, i, 1)) - 48) * (11 - i)))"
    check = f"(11 - ({total}) % 11)"
    return (
        f"CASE WHEN {n} IS NULL THEN NULL WHEN NOT regexp_full_match({n}, '[0-9]{{10}}') THEN false "
        f"WHEN {check} = 10 THEN false "
        f"ELSE {check} % 11 = ascii(substr({n}, 10, 1)) - 48 END"
    )


def ni_number_valid(n: str) -> str:
    """The NI number has a valid shape and prefix (mirrors `identifiers.ni_number_is_valid`).

    Takes the `ni_number_std` value.
    """
    banned = ", ".join(sql_str(p) for p in NI_BANNED_PREFIXES)
    return (
        f"CASE WHEN {n} IS NULL THEN NULL "
        f"ELSE regexp_full_match({n}, {sql_str(NI_SHAPE)}) AND substr({n}, 1, 2) NOT IN ({banned}) END"
    )


def sex_std(expr: str) -> str:
    """`M` or `F`; anything else (U, blank, unknown codes) is NULL: sex is never a reason to reject."""
    return f"CASE upper(trim({expr})) WHEN 'M' THEN 'M' WHEN 'F' THEN 'F' END"


def date_value(expr: str) -> str:
    """A real calendar date written YYYY-MM-DD, else NULL (`2015-02-30` is NULL)."""
    t = f"trim({expr})"
    return (
        f"CASE WHEN regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN CAST(try_strptime({t}, '%Y-%m-%d') AS DATE) END"
    )


TERM_SHAPE = r"([0-9]{4})-(" + "|".join(SEASONS) + ")"


def term_label(expr: str) -> str:
    """The term label in lower case when it parses (`2014-autumn`), else NULL."""
    t = f"lower(trim({expr}))"
    return f"CASE WHEN regexp_full_match({t}, {sql_str(TERM_SHAPE)}) THEN {t} END"


def term_start(expr: str) -> str:
    """First day of the term (the one school calendar, `core.calendar.SEASONS`): autumn 1 Sep, spring 1 Jan..."""
    return _term_date(expr, {season: f"{sm:02d}-{sd:02d}" for season, (sm, sd, _em, _ed) in SEASONS.items()})


def term_end(expr: str) -> str:
    """Last day of the term: autumn 31 Dec, spring 31 Mar, summer 31 Jul."""
    return _term_date(expr, {season: f"{em:02d}-{ed:02d}" for season, (_sm, _sd, em, ed) in SEASONS.items()})


def _term_date(expr: str, month_day: dict[str, str]) -> str:
    label = term_label(expr)
    cases = " ".join(f"WHEN {sql_str(season)} THEN {sql_str(md)}" for season, md in month_day.items())
    return (
        f"CAST(split_part({label}, '-', 1) || '-' || (CASE split_part({label}, '-', 2) {cases} END) AS DATE)"
    )
