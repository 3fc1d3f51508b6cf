//! Static word lists, looked up on lowercase ASCII bytes through `match`
//! (compiled to a decision tree: no hashing, no allocation).

/// Lowercases `word` (ASCII only) into `buf`; `None` when it does not fit
/// or is not ASCII.
#[inline]
pub(crate) fn lower<'b>(word: &[u8], buf: &'b mut [u8; 16]) -> Option<&'b [u8]> {
    if word.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(word) {
        *d = s.to_ascii_lowercase();
    }
    Some(&buf[..word.len()])
}

/// What kind of abbreviation a word (without its final period) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Not a known abbreviation.
    No,
    /// A title or other prefix that is followed by a name and practically
    /// never ends a sentence (`Mr.`, `Gen.`, `Lt.`, `St.`, `No.`).
    Title,
    /// An abbreviation that can end a sentence (`Inc.`, `etc.`, `Jan.`).
    Other,
}

/// Looks up `word` (without the final period), ASCII case-insensitively.
/// Abbreviations that are also ordinary words (`No`, `Mar`, `Sun`, `Co`)
/// only count when capitalised; `no`/`No` only before a number (checked by
/// the caller through `before_digit`).
pub(crate) fn abbrev(word: &[u8], before_digit: bool) -> Abbrev {
    let mut buf = [0u8; 16];
    let Some(w) = lower(word, &mut buf) else {
        return Abbrev::No;
    };
    let cap = word[0].is_ascii_uppercase();
    match w {
        b"mr" | b"mrs" | b"ms" | b"messrs" | b"mmes" | b"mme" | b"mlle" | b"dr" | b"drs"
        | b"prof" | b"profs" | b"gen" | b"gens" | b"lt" | b"col" | b"cols" | b"maj" | b"capt"
        | b"cpt" | b"cmdr" | b"cdr" | b"comdr" | b"sgt" | b"sgts" | b"cpl" | b"pvt" | b"pfc"
        | b"adm" | b"brig" | b"lieut" | b"rep" | b"reps" | b"sen" | b"sens" | b"gov" | b"govs"
        | b"pres" | b"rev" | b"hon" | b"st" | b"ste" | b"mt" | b"ft" | b"fr" | b"sr" | b"jr"
        | b"vs" | b"esq" | b"supt" | b"insp" | b"atty" | b"secy" | b"amb" | b"pp" | b"vol"
        | b"vols" | b"figs" | b"eds" | b"cf" | b"approx" | b"dept" | b"gov't" | b"viz"
        | b"ibid" => Abbrev::Title,
        b"no" | b"nos" | b"fig" | b"p" | b"art" | b"ch" | b"sec" | b"ed" | b"op" | b"v"
        | b"vol." => {
            if before_digit || (cap && w.len() > 1 && !matches!(w, b"no" | b"art")) {
                Abbrev::Title
            } else {
                Abbrev::No
            }
        }
        b"inc" | b"corp" | b"ltd" | b"cos" | b"bros" | b"llc" | b"plc" | b"assn" | b"ave"
        | b"blvd" | b"hwy" | b"jan" | b"feb" | b"apr" | b"jun" | b"jul" | b"aug" | b"sept"
        | b"oct" | b"nov" | b"tues" | b"thu" | b"thur" | b"thurs" | b"etc" | b"univ" | b"mph"
        | b"hrs" | b"yrs" | b"wks" | b"pct" | b"ala" | b"ariz" | b"calif" | b"colo" | b"conn"
        | b"fla" | b"kan" | b"kans" | b"mich" | b"minn" | b"mont" | b"neb" | b"nev" | b"okla"
        | b"tenn" | b"tex" | b"wyo" | b"dak" | b"al" | b"approx." => Abbrev::Other,
        b"co" | b"rd" | b"mar" | b"sep" | b"dec" | b"mon" | b"tue" | b"wed" | b"fri" | b"sat"
        | b"sun" | b"est" | b"ark" | b"del" | b"ga" | b"ill" | b"ind" | b"ky" | b"la" | b"md"
        | b"mass" | b"miss" | b"mo" | b"ore" | b"pa" | b"penn" | b"va" | b"vt" | b"wash"
        | b"wis" | b"dist" | b"div" | b"ext" | b"tel" | b"ref" => {
            if cap {
                Abbrev::Other
            } else {
                Abbrev::No
            }
        }
        _ => Abbrev::No,
    }
}

/// Prefixes after which a hyphen does not split a word (`non-profit`,
/// `re-elected`); chosen from the UD English (EWT/GUM) train splits.
pub(crate) fn is_hyphen_prefix(word: &[u8]) -> bool {
    let mut buf = [0u8; 16];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    matches!(
        w,
        b"e" | b"non"
            | b"re"
            | b"anti"
            | b"pre"
            | b"co"
            | b"mid"
            | b"pro"
            | b"cross"
            | b"post"
            | b"counter"
            | b"semi"
            | b"over"
            | b"ex"
            | b"sub"
            | b"multi"
            | b"mini"
            | b"inter"
            | b"socio"
            | b"neo"
            | b"un"
            | b"bi"
            | b"tri"
            | b"intra"
            | b"ultra"
            | b"micro"
            | b"macro"
            | b"pseudo"
            | b"quasi"
            | b"hyper"
            | b"psycho"
            | b"extra"
            | b"trans"
            | b"geo"
            | b"bio"
            | b"eco"
            | b"euro"
            | b"afro"
            | b"mis"
            | b"out"
            | b"de"
    )
}

/// Arabic name particles (`al-Nujaba`, `bin-Laden`); UD English splits
/// them, so keeping them whole is an option.
pub(crate) fn is_arabic_particle(word: &[u8]) -> bool {
    let mut buf = [0u8; 16];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    matches!(
        w,
        b"al"
            | b"el"
            | b"bin"
            | b"abu"
            | b"ibn"
            | b"bint"
            | b"ad"
            | b"as"
            | b"an"
            | b"ash"
            | b"az"
            | b"ar"
            | b"at"
    )
}

/// Capitalised words that, after an abbreviation such as `Inc.` or `U.S.`,
/// make a sentence start likely (closed-class words rarely inside names).
pub(crate) fn is_sentence_starter(word: &[u8]) -> bool {
    let mut buf = [0u8; 16];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    matches!(
        w,
        b"the"
            | b"a"
            | b"an"
            | b"he"
            | b"she"
            | b"it"
            | b"they"
            | b"we"
            | b"i"
            | b"you"
            | b"but"
            | b"and"
            | b"in"
            | b"on"
            | b"at"
            | b"this"
            | b"that"
            | b"these"
            | b"those"
            | b"there"
            | b"its"
            | b"his"
            | b"her"
            | b"their"
            | b"our"
            | b"my"
            | b"if"
            | b"when"
            | b"while"
            | b"after"
            | b"before"
            | b"as"
            | b"however"
            | b"meanwhile"
            | b"also"
            | b"so"
            | b"yet"
            | b"for"
            | b"what"
            | b"who"
            | b"how"
            | b"why"
            | b"where"
            | b"some"
            | b"many"
            | b"most"
            | b"one"
            | b"no"
            | b"not"
            | b"there's"
            | b"it's"
            | b"i'm"
            | b"we're"
            | b"then"
            | b"since"
            | b"although"
            | b"though"
            | b"still"
            | b"now"
            | b"today"
            | b"officials"
            | b"police"
            | b"please"
            | b"thanks"
            | b"thank"
            | b"regards"
            | b"let"
            | b"here"
            | b"do"
            | b"did"
            | b"is"
            | b"are"
            | b"can"
            | b"will"
    )
}

/// Contractions written without an apostrophe: the byte offset at which
/// UD English splits the word (`gonna` → `gon|na`, `cannot` → `can|not`).
#[inline]
pub(crate) fn fused_split(word: &[u8]) -> Option<usize> {
    // Cheap tests inline (this runs for every word); the lookup out of line.
    let n = word.len();
    if !(4..=8).contains(&n) {
        return None;
    }
    let tail = [word[n - 2] | 0x20, word[n - 1] | 0x20];
    if !matches!(&tail, b"na" | b"ta" | b"ot" | b"nt" | b"me") {
        return None;
    }
    fused_lookup(word)
}

#[inline(never)]
fn fused_lookup(word: &[u8]) -> Option<usize> {
    let mut buf = [0u8; 16];
    let w = lower(word, &mut buf)?;
    match w {
        b"gonna" | b"wanna" | b"gotta" | b"cannot" | b"gimme" | b"lemme" | b"outta" => Some(3),
        b"dont" | b"didnt" | b"doesnt" | b"isnt" | b"wasnt" | b"arent" | b"werent" | b"havent"
        | b"hasnt" | b"hadnt" | b"couldnt" | b"wouldnt" | b"shouldnt" | b"aint" | b"mustnt" => {
            Some(w.len() - 2)
        }
        _ => None,
    }
}

/// Ordinal and decade suffixes that stay on a number (`3rd`, `1990s`).
pub(crate) fn is_number_suffix(word: &[u8]) -> bool {
    let mut buf = [0u8; 16];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    matches!(w, b"st" | b"nd" | b"rd" | b"th" | b"s" | b"d")
}
