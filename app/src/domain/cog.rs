//! Names for the INSEE codes that FranceConnect sends as a person's place and country of birth.
//!
//! FranceConnect's `birthplace` claim is a 5-character INSEE commune code (`75107`, `2A004`,
//! `97601`; empty when the person was born abroad) and `birthcountry` a `99XXX` country code
//! (`99100` for France). An agent reading a file, or a citizen checking what was shared, must see
//! "Paris 7e Arrondissement" and "Belgique", not codes. The tables of the Code officiel
//! géographique are therefore shipped in the binary (`app/data/*.tsv`, each with its source and
//! licence on its first line) and looked up offline: no call to an INSEE API at request time, no
//! failure when that API is slow or down, and the codes never leave the server.
//!
//! The commune table holds current communes, the arrondissements municipaux of Paris, Lyon and
//! Marseille, communes déléguées and associées, and the overseas communes (97x, 98x). Where a
//! code is both a current commune and a commune déléguée, the current commune's name wins.
//! Codes of communes since merged or renumbered (Corsica's `20xxx` before 1976, Seine and
//! Seine-et-Oise before 1968, merged communes) map to the current commune that took them in,
//! as the former names themselves are not in the source.
//!
//! The country table is INSEE's list of foreign countries and territories, former ones included
//! (`99141` République démocratique allemande), plus `99100` France.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static COMMUNES_TSV: &str = include_str!("../../data/cog_communes.tsv");
static PAYS_TSV: &str = include_str!("../../data/cog_pays.tsv");

static COMMUNES: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_table(COMMUNES_TSV));
static FORMER: LazyLock<HashSet<&'static str>> = LazyLock::new(|| parse_former(COMMUNES_TSV));
static PAYS: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_table(PAYS_TSV));

/// The name of the commune (or arrondissement municipal) with this INSEE code, if known.
///
/// `2a004` and ` 2A004 ` find Ajaccio like `2A004`. An empty code (born abroad) gives `None`.
pub fn commune_name(code: &str) -> Option<&'static str> {
    lookup(&COMMUNES, code)
}

/// The codes of the communes called `name` (case, accents, hyphens and apostrophes ignored:
/// `saint etienne` finds Saint-Étienne). Several codes mean homonyms: the citizen is then asked for
/// the code. Former codes (merged communes) are not counted: the name finds the current one.
pub fn communes_named(name: &str) -> Vec<&'static str> {
    let wanted = fold(name);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut codes: Vec<&'static str> = COMMUNES
        .iter()
        .filter(|(c, n)| !FORMER.contains(*c) && fold(n) == wanted)
        .map(|(c, _)| *c)
        .collect();
    codes.sort_unstable();
    codes
}

/// Lowercase ASCII letters and digits, one space between words.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'œ' => {
                out.push('o');
                'e'
            }
            c if c.is_ascii_alphanumeric() => c,
            _ => ' ',
        };
        if c != ' ' || !out.ends_with(' ') && !out.is_empty() {
            out.push(c);
        }
    }
    out.trim_end().to_owned()
}

/// The French name of the country with this INSEE `99XXX` code, if known (`99131` → Belgique).
pub fn country_name(code: &str) -> Option<&'static str> {
    lookup(&PAYS, code)
}

fn lookup(table: &HashMap<&'static str, &'static str>, code: &str) -> Option<&'static str> {
    let code = code.trim();
    if !is_code(code) {
        return None;
    }
    table.get(code.to_ascii_uppercase().as_str()).copied()
}

/// Five ASCII letters or digits: every COG code, and a cheap refusal of anything else.
fn is_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Reads `code<TAB>name` lines, skipping `#` comments, blank and malformed lines.
/// `code<TAB>name[<TAB>ancien]` lines; `#` lines are comments.
fn parse_table(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some((cols.next()?.trim(), cols.next()?.trim()))
        })
        .filter(|(code, name)| is_code(code) && !name.is_empty())
        .collect()
}

/// Former codes of merged or abolished communes (third column `ancien`).
fn parse_former(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let code = cols.next()?.trim();
            (cols.nth(1)?.trim() == "ancien").then_some(code)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communes_are_found_by_name_whatever_the_spelling() {
        assert_eq!(communes_named("saint etienne"), vec!["42218"]);
        assert_eq!(communes_named("  SAINT-ÉTIENNE "), vec!["42218"]);
        assert!(communes_named("Nulle-Part-sur-Mer").is_empty());
        assert!(communes_named("").is_empty());
        // A merged commune's former codes carry its name; the name finds the current code.
        assert_eq!(communes_named("Valserhône"), vec!["01033"]);
        assert_eq!(commune_name("01018"), Some("Valserhône"));
    }

    #[test]
    fn communes_by_code() {
        assert_eq!(commune_name("75107"), Some("Paris 7e Arrondissement"));
        assert_eq!(commune_name("75056"), Some("Paris"));
        assert_eq!(commune_name("69381"), Some("Lyon 1er Arrondissement"));
        assert_eq!(commune_name("13201"), Some("Marseille 1er Arrondissement"));
        assert_eq!(commune_name("2A004"), Some("Ajaccio"));
        assert_eq!(commune_name("97601"), Some("Acoua"));
        assert_eq!(commune_name("98735"), Some("Papeete"));
    }

    #[test]
    fn corsican_codes_ignore_case_and_spaces() {
        assert_eq!(commune_name("2a004"), Some("Ajaccio"));
        assert_eq!(commune_name(" 2A004\n"), Some("Ajaccio"));
        assert_eq!(commune_name("2b033"), commune_name("2B033"));
        assert!(commune_name("2B033").is_some());
    }

    #[test]
    fn current_commune_wins_over_commune_deleguee() {
        // 01033 is both Valserhône and its commune déléguée Bellegarde-sur-Valserine.
        assert_eq!(commune_name("01033"), Some("Valserhône"));
    }

    #[test]
    fn former_codes_give_the_current_commune() {
        // Ajaccio was 20004 before Corsica was split in 1976.
        assert_eq!(commune_name("20004"), Some("Ajaccio"));
    }

    #[test]
    fn countries_by_code() {
        assert_eq!(country_name("99100"), Some("France"));
        assert_eq!(country_name("99131"), Some("Belgique"));
        assert_eq!(country_name("99109"), Some("Allemagne"));
        assert_eq!(country_name(" 99132 "), Some("Royaume-Uni"));
        assert_eq!(
            country_name("99141"),
            Some("République démocratique allemande")
        );
    }

    #[test]
    fn unknown_or_malformed_codes_give_none() {
        assert_eq!(commune_name(""), None);
        assert_eq!(commune_name("00000"), None);
        assert_eq!(commune_name("7510"), None);
        assert_eq!(commune_name("751077"), None);
        assert_eq!(commune_name("99131"), None);
        assert_eq!(country_name(""), None);
        assert_eq!(country_name("99999"), None);
        assert_eq!(country_name("75107"), None);
        assert_eq!(country_name("99-31"), None);
    }

    #[test]
    fn every_shipped_line_is_read() {
        for (text, table) in [(COMMUNES_TSV, &*COMMUNES), (PAYS_TSV, &*PAYS)] {
            assert!(text.starts_with('#'), "source header line missing");
            let data_lines = text.lines().filter(|l| !l.starts_with('#')).count();
            assert_eq!(
                table.len(),
                data_lines,
                "malformed or duplicate line in a COG table"
            );
        }
        assert!(COMMUNES.len() > 35_000);
        assert!(PAYS.len() > 200);
    }

    #[test]
    fn parser_skips_comments_and_malformed_lines() {
        let table = parse_table(
            "# header\n75107\tParis 7e\r\nno tab here\n\tnameless\n12345\t\n\
             abc\tShort\n2A004\tAjaccio\n",
        );
        assert_eq!(table.len(), 2);
        assert_eq!(table.get("75107"), Some(&"Paris 7e"));
        assert_eq!(table.get("2A004"), Some(&"Ajaccio"));
    }
}
