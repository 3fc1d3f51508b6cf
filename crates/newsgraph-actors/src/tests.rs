//! Tests on invented articles. The recogniser is stood in for by marking
//! names by hand, so that these tests check the chains, roles and codes alone.

use crate::ActorsBuilder;
use newsgraph_core::{Annotator, Date, Document, Entity, EntityType, Mention, MentionKind, Span};
use proptest::prelude::*;
use std::sync::OnceLock;

fn stage() -> &'static crate::Actors {
    static STAGE: OnceLock<crate::Actors> = OnceLock::new();
    STAGE.get_or_init(|| ActorsBuilder::new().build().expect("builtin actors stage"))
}

fn syntax() -> &'static Vec<Box<dyn Annotator>> {
    static S: OnceLock<Vec<Box<dyn Annotator>>> = OnceLock::new();
    S.get_or_init(newsgraph_pipeline::syntax_stages)
}

/// Segments and parses `text`, marks every occurrence of each `(name, type)` as a recognised
/// name, and runs the actor stage.
fn run(text: &str, names: &[(&str, EntityType)], parse: bool) -> Document {
    let mut doc = Document::from_text(text);
    doc.meta.published = Date::new(2023, 5, 4);
    newsgraph_segment::Segmenter::new().run(&mut doc);
    if parse {
        for s in syntax() {
            s.run(&mut doc);
        }
    }
    let mut marked: Vec<(usize, usize, EntityType)> = Vec::new();
    for &(name, ty) in names {
        for (at, _) in text.match_indices(name) {
            let end = at + name.len();
            if !marked.iter().any(|&(a, b, _)| a < end && at < b) {
                marked.push((at, end, ty));
            }
        }
    }
    marked.sort_by_key(|&(a, b, _)| (a, b));
    doc.entities = marked
        .into_iter()
        .map(|(a, b, ty)| Entity {
            canonical: text[a..b].to_string(),
            entity_type: ty,
            kind: None,
            country: None,
            mentions: vec![Mention {
                span: Span::new(a, b),
                kind: MentionKind::Name,
            }],
            actor_code: None,
            code_source: None,
            role: None,
            affiliation: None,
            version: "test".into(),
        })
        .collect();
    stage().run(&mut doc);
    doc.check().expect("document invariants hold");
    doc
}

/// The entity coded `code` (`USA` for `Washington` acting).
fn coded<'d>(doc: &'d Document, code: &str) -> &'d Entity {
    doc.entities
        .iter()
        .find(|e| e.actor_code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("an entity coded {code}"))
}

fn entity<'d>(doc: &'d Document, canonical: &str) -> &'d Entity {
    doc.entities
        .iter()
        .find(|e| e.canonical == canonical)
        .unwrap_or_else(|| {
            let all: Vec<_> = doc.entities.iter().map(|e| &e.canonical).collect();
            panic!("no entity {canonical:?} among {all:?}")
        })
}

fn mention_texts<'d>(doc: &'d Document, e: &Entity) -> Vec<&'d str> {
    e.mentions.iter().map(|m| doc.slice(m.span)).collect()
}

const ARTICLE: &str = "Syria's hardline Liwa al-Fatemiyoun Movement rejected the offer on Monday.\n\n\
\"We will not leave,\" Fatemiyoun spokesman, Karim al-Haddad, told Beirut-based Al Mayadeen network.\n\n\
The group belongs to the Northern Defence Units [NDU], better known as Jaish al-Shamal. \
The NDU said nothing.\n\n\
Meanwhile, Omar al-Tikriti, Syria's deputy foreign minister, said talks had ended.\n\n\
Secretary-General of al-Fatemiyoun Movement Sheikh Hadi al-Amiri said Haddad spoke for him.\n\n\
The al-Fatemiyoun chief added that Washington cannot be trusted, and Amiri left.";

fn article(parse: bool) -> Document {
    use EntityType::*;
    run(
        ARTICLE,
        &[
            ("Liwa al-Fatemiyoun Movement", Org),
            ("al-Fatemiyoun Movement", Org),
            ("Syria", Loc),
            ("al-Fatemiyoun", Org),
            ("Fatemiyoun", Org),
            ("Karim al-Haddad", Person),
            ("Beirut", Loc),
            ("Al Mayadeen", Org),
            ("Northern Defence Units", Org),
            ("Jaish al-Shamal", Org),
            ("Omar al-Tikriti", Person),
            ("Sheikh Hadi al-Amiri", Person),
            ("Haddad", Person),
            ("Washington", Loc),
            ("Amiri", Person),
        ],
        parse,
    )
}

#[test]
fn short_forms_chain_to_the_full_name() {
    let doc = article(false);
    let org = entity(&doc, "Liwa al-Fatemiyoun Movement");
    let texts = mention_texts(&doc, org);
    assert!(texts.contains(&"Fatemiyoun"), "{texts:?}");
    assert!(texts.contains(&"al-Fatemiyoun Movement"), "{texts:?}");
    assert!(texts.contains(&"al-Fatemiyoun"), "{texts:?}");
    let haddad = entity(&doc, "Karim al-Haddad");
    assert_eq!(mention_texts(&doc, haddad), ["Karim al-Haddad", "Haddad"]);
    // The honorific stays in the mention but not in the canonical name.
    let amiri = entity(&doc, "Hadi al-Amiri");
    assert!(mention_texts(&doc, amiri).contains(&"Sheikh Hadi al-Amiri"));
    assert!(mention_texts(&doc, amiri).contains(&"Amiri"));
}

#[test]
fn acronyms_and_aliases_defined_in_text_join_their_entity() {
    let doc = article(false);
    let ndu = entity(&doc, "Northern Defence Units");
    let kinds: Vec<_> = ndu
        .mentions
        .iter()
        .map(|m| (doc.slice(m.span), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Northern Defence Units", MentionKind::Name),
            ("NDU", MentionKind::Acronym),
            ("Jaish al-Shamal", MentionKind::Alias),
            ("NDU", MentionKind::Acronym),
        ]
    );
    assert_eq!(ndu.kind.as_deref(), Some("armed group"));
}

#[test]
fn roles_and_affiliations_from_titles_and_appositions() {
    let doc = article(false);
    let index = |name: &str| {
        doc.entities
            .iter()
            .position(|e| e.canonical == name)
            .map(|i| i as u32)
    };
    let haddad = entity(&doc, "Karim al-Haddad");
    assert_eq!(haddad.role.as_deref(), Some("spokesman"));
    assert_eq!(haddad.affiliation, index("Liwa al-Fatemiyoun Movement"));
    let tikriti = entity(&doc, "Omar al-Tikriti");
    assert_eq!(tikriti.role.as_deref(), Some("deputy foreign minister"));
    assert_eq!(tikriti.affiliation, index("Syria"));
    assert_eq!(tikriti.actor_code.as_deref(), Some("SYRGOV"));
    let amiri = entity(&doc, "Hadi al-Amiri");
    assert_eq!(amiri.role.as_deref(), Some("Secretary-General"));
    assert_eq!(amiri.affiliation, index("Liwa al-Fatemiyoun Movement"));
    // `The al-Fatemiyoun chief` describes the group's most recently named member.
    assert!(amiri
        .mentions
        .iter()
        .any(|m| m.kind == MentionKind::Description
            && doc.slice(m.span) == "The al-Fatemiyoun chief"));
}

#[test]
fn codes_come_from_the_dictionary_or_from_role_and_affiliation() {
    let doc = article(false);
    let syria = entity(&doc, "Syria");
    assert_eq!(syria.actor_code.as_deref(), Some("SYR"));
    assert_eq!(syria.kind.as_deref(), Some("GPE"));
    let source = syria.code_source.as_ref().expect("provenance");
    assert_eq!(source.layer, "curated");
    let mayadeen = entity(&doc, "Al Mayadeen");
    assert_eq!(mayadeen.kind.as_deref(), Some("media"));
    assert_eq!(mayadeen.actor_code.as_deref(), Some("LBNMED"));
    // An organisation unknown to the dictionary: kind from its name, country from `Syria's`.
    let org = entity(&doc, "Liwa al-Fatemiyoun Movement");
    assert_eq!(org.kind.as_deref(), Some("armed group"));
    assert_eq!(org.country.as_deref(), Some("SYR"));
    assert_eq!(org.actor_code.as_deref(), Some("SYRREB"));
    assert_eq!(
        org.code_source.as_ref().map(|s| s.layer.as_str()),
        Some("rule")
    );
    // Its spokesman speaks for it.
    let haddad = entity(&doc, "Karim al-Haddad");
    assert_eq!(haddad.actor_code.as_deref(), Some("SYRREB"));
}

#[test]
fn a_city_is_its_own_place_unless_it_acts_for_the_government() {
    let doc = article(true);
    // `Beirut-based`: a place, coded to its country but not merged into it.
    let beirut = entity(&doc, "Beirut");
    assert_eq!(beirut.country.as_deref(), Some("LBN"));
    // `Washington cannot be trusted`: the United States acting.
    let us = coded(&doc, "USA");
    assert_eq!(us.canonical, "United States");
    assert_eq!(us.mentions[0].kind, MentionKind::Capital);
}

/// Regression (issue 6): the PETRARCH dictionary names it `The European
/// Union`; the canonical name leaves out the article.
#[test]
fn a_dictionary_name_is_canonical_without_its_article() {
    let doc = run(
        "Ministers said the EU would extend the sanctions.",
        &[("EU", EntityType::Org)],
        false,
    );
    let eu = doc
        .entities
        .iter()
        .find(|e| e.mentions.iter().any(|m| m.span.slice(&doc.text) == "EU"))
        .expect("an entity for EU");
    assert_eq!(eu.canonical, "European Union");
    assert_eq!(eu.actor_code.as_deref(), Some("IGOEUREEC"));
}

/// Regression (issue 6): `London` before a verb was taken for the British
/// government although it is only where the shops are.
#[test]
fn a_capital_acts_only_as_the_subject() {
    let doc = run(
        "Shops in London reported record sales. Moscow rejected the proposal.",
        &[("London", EntityType::Loc), ("Moscow", EntityType::Loc)],
        true,
    );
    let london = entity(&doc, "London");
    assert_eq!(london.mentions[0].kind, MentionKind::Name);
    let russia = coded(&doc, "RUS");
    assert_eq!(russia.mentions[0].kind, MentionKind::Capital);
}

/// Regression (issue 6): PETRARCH lists `Liverpool` among the names of the
/// United Kingdom; the city (or its football club) is not the government.
#[test]
fn a_city_listed_with_its_country_does_not_act_for_it() {
    let doc = run(
        "Liverpool have little chance of winning the cup, the captain admitted.",
        &[("Liverpool", EntityType::Loc)],
        true,
    );
    let liverpool = entity(&doc, "Liverpool");
    assert_eq!(liverpool.mentions[0].kind, MentionKind::Name);
    assert_eq!(liverpool.country.as_deref(), Some("GBR"));
}

#[test]
fn names_the_recogniser_missed_come_from_the_dictionary() {
    let doc = run(
        "Officials said the Houthis fired drones at ships near Aden on Friday.",
        &[],
        false,
    );
    let houthis = entity(&doc, "Houthis");
    assert_eq!(houthis.entity_type, EntityType::Org);
    assert_eq!(houthis.actor_code.as_deref(), Some("YEMREB"));
    assert_eq!(houthis.kind.as_deref(), Some("armed group"));
}

#[test]
fn lower_case_words_never_match_dictionary_names() {
    // `us` and `is` are aliases of the United States and the Islamic State when capitalised.
    let doc = run("Tell us what is going on, she said.", &[], false);
    assert!(doc.entities.is_empty(), "{:?}", doc.entities);
}

#[test]
fn output_is_deterministic() {
    let a = serde_json::to_string(&article(true).entities).unwrap_or_default();
    let b = serde_json::to_string(&article(true).entities).unwrap_or_default();
    assert_eq!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC{0,300}", cut in 0usize..300) {
        let mut doc = Document::from_text(text.clone());
        newsgraph_segment::Segmenter::new().run(&mut doc);
        // Mark one arbitrary char-aligned stretch as a name.
        let mut a = cut.min(text.len());
        while !text.is_char_boundary(a) { a -= 1; }
        doc.entities.push(Entity {
            canonical: String::new(),
            entity_type: EntityType::Org,
            kind: None,
            country: None,
            mentions: vec![Mention { span: Span::new(a, text.len()), kind: MentionKind::Name }],
            actor_code: None,
            code_source: None,
            role: None,
            affiliation: None,
            version: "test".into(),
        });
        stage().run(&mut doc);
        prop_assert!(doc.check().is_ok());
    }
}

#[test]
fn a_title_inside_a_recognised_name_starts_a_person() {
    // The recogniser ran the group's name into the person's and cut the person in two.
    use EntityType::*;
    let doc = run(
        "The head of Liwa al-Fatemiyoun Movement Sheikh Hadi al-Amiri spoke. Later al-Amiri left.",
        &[
            ("Liwa al-Fatemiyoun Movement Sheikh Hadi", Org),
            ("al-Amiri", Person),
        ],
        false,
    );
    let amiri = entity(&doc, "Hadi al-Amiri");
    assert_eq!(amiri.entity_type, Person);
    assert_eq!(
        mention_texts(&doc, amiri),
        ["Sheikh Hadi al-Amiri", "al-Amiri"]
    );
    assert_eq!(amiri.role.as_deref(), Some("head"));
    entity(&doc, "Liwa al-Fatemiyoun Movement");
}

#[test]
fn a_surname_used_before_the_full_name_joins_it() {
    use EntityType::*;
    let doc = run(
        "Okonkwo plan rejected. Finance chief Ada Okonkwo said on Monday the plan stood. Okonkwo left.",
        &[("Ada Okonkwo", Person), ("Okonkwo", Loc)],
        false,
    );
    let ada = entity(&doc, "Ada Okonkwo");
    assert_eq!(
        mention_texts(&doc, ada),
        ["Okonkwo", "Ada Okonkwo", "Okonkwo"]
    );
    assert_eq!(doc.entities.len(), 1, "{:?}", doc.entities);
}

/// An edit to a dictionary layer changes the version stamped on records.
#[test]
fn the_version_names_the_dictionary_data() {
    let version = |code: &str| {
        let text = format!("[[actor]]\nname = \"Example Group\"\ncode = \"{code}\"\n");
        let mut dict = newsgraph_dict::Dictionary::new();
        dict.push(newsgraph_dict::Layer::parse(&text, "user.toml").unwrap());
        let actors = ActorsBuilder::new()
            .dictionary(std::sync::Arc::new(dict))
            .build()
            .unwrap();
        actors.version().to_string()
    };
    assert_ne!(version("IRQREB"), version("SYRREB"));
    assert_eq!(version("IRQREB"), version("IRQREB"));
    assert!(
        version("IRQREB").contains("+dict-user."),
        "{}",
        version("IRQREB")
    );
}

/// A seat of government speaks for the government (`Downing Street said`).
#[test]
fn a_seat_of_government_is_the_government() {
    let doc = run(
        "Downing Street said the minister would attend the talks.",
        &[("Downing Street", EntityType::Person)],
        false,
    );
    let no10 = entity(&doc, "Downing Street");
    assert_eq!(no10.entity_type, EntityType::Org);
    assert_eq!(no10.actor_code.as_deref(), Some("GBRGOV"));
}

/// Phoenix lists cities as aliases of their country with codes dated by regime; the dates make
/// no person of `Mosul` when the recogniser misreads it as one.
#[test]
fn a_city_whose_country_codes_are_dated_is_a_place() {
    let doc = run(
        "Gunmen attacked Mosul on Monday.",
        &[("Mosul", EntityType::Person)],
        false,
    );
    let mosul = coded(&doc, "IRQ");
    assert_eq!(mosul.entity_type, EntityType::Loc);
}

/// An undated sector code (`SYRGOV`) is shared by office holders and ministries: it does not
/// turn a recognised person into an organisation.
#[test]
fn an_office_holder_coded_without_dates_stays_a_person() {
    let doc = run(
        "Assad said the talks would go on.",
        &[("Assad", EntityType::Person)],
        false,
    );
    let assad = coded(&doc, "SYRGOV");
    assert_eq!(assad.entity_type, EntityType::Person);
}

/// An acronym, or an entry whose name has an organisation word, is an organisation even when
/// its codes are dated like an office holder's.
#[test]
fn a_dated_entry_named_like_an_organisation_is_one() {
    let doc = run(
        "Fighters of AQI fled. The Syrian National Coalition said nothing.",
        &[
            ("AQI", EntityType::Person),
            ("Syrian National Coalition", EntityType::Person),
        ],
        false,
    );
    assert_eq!(coded(&doc, "IMGMUSISI").entity_type, EntityType::Org);
    assert_eq!(coded(&doc, "SYROPP").entity_type, EntityType::Org);
}

/// A place the text uses as an organisation (a team named after its city) keeps the
/// recogniser's reading; the dictionary still gives the code.
#[test]
fn a_place_read_as_an_organisation_stays_one() {
    let doc = run(
        "Chicago beat the home side 5-3 on Sunday.",
        &[("Chicago", EntityType::Org)],
        false,
    );
    let chicago = entity(&doc, "Chicago");
    assert_eq!(chicago.entity_type, EntityType::Org);
    assert_eq!(chicago.actor_code.as_deref(), Some("USA"));
}

/// Dated codes are offices held: the entry is a person even when the recogniser read an
/// organisation.
#[test]
fn an_office_holder_with_dated_codes_is_a_person() {
    let doc = run(
        "Liam Fox said the review would go ahead.",
        &[("Liam Fox", EntityType::Org)],
        false,
    );
    assert_eq!(entity(&doc, "Liam Fox").entity_type, EntityType::Person);
}

/// Regression (issue 6): the recogniser took `Welsh Health Minister Jane
/// Hutt` as one organisation; the person is the name after the role, and the
/// role phrase is her role. Names of things after a role word stay whole.
#[test]
fn a_role_inside_a_recognised_name_leaves_the_person_after_it() {
    let text = "Welsh Health Minister Jane Hutt said waiting times would fall. \
                General Motors sponsors the Ryman Premier League.";
    let doc = run(
        text,
        &[
            ("Welsh Health Minister Jane Hutt", EntityType::Org),
            ("General Motors", EntityType::Org),
            ("Ryman Premier League", EntityType::Org),
        ],
        false,
    );
    let hutt = entity(&doc, "Jane Hutt");
    assert_eq!(hutt.entity_type, EntityType::Person);
    assert_eq!(hutt.role.as_deref(), Some("Welsh Health Minister"));
    assert_eq!(mention_texts(&doc, hutt), ["Jane Hutt"]);
    assert_eq!(entity(&doc, "General Motors").entity_type, EntityType::Org);
    assert_eq!(
        entity(&doc, "Ryman Premier League").entity_type,
        EntityType::Org
    );
}

/// Regression (issue 6): PETRARCH files `North Carolina`, `New York` and
/// `Los Angeles` under the United States, and every one of them was chained
/// into the first as another name of one entity.
#[test]
fn places_a_dictionary_files_under_one_country_stay_apart() {
    let text = "Storms hit North Carolina and South Carolina before New York braced for them. \
                The United States sent help.";
    let doc = run(
        text,
        &[
            ("North Carolina", EntityType::Loc),
            ("South Carolina", EntityType::Loc),
            ("New York", EntityType::Loc),
            ("United States", EntityType::Loc),
        ],
        false,
    );
    for place in ["North Carolina", "South Carolina", "New York"] {
        let e = entity(&doc, place);
        assert_eq!(mention_texts(&doc, e), [place]);
        assert_eq!(e.country.as_deref(), Some("USA"), "{place}");
    }
    assert_eq!(
        mention_texts(&doc, entity(&doc, "United States")),
        ["United States"]
    );
}

/// Regression (issue 6): `the Hamdaniya district` came out an organisation;
/// a place noun next to a name makes it a place, a demonym stays one.
#[test]
fn a_place_noun_makes_the_name_next_to_it_a_place() {
    let text = "Troops entered the Hamdaniya district and the town of Qaraqosh. \
                Syrian state media said the Zumar front held.";
    let doc = run(
        text,
        &[
            ("Hamdaniya", EntityType::Org),
            ("Qaraqosh", EntityType::Person),
            ("Syrian", EntityType::Norp),
            ("Zumar", EntityType::Org),
        ],
        false,
    );
    assert_eq!(entity(&doc, "Hamdaniya").entity_type, EntityType::Loc);
    assert_eq!(entity(&doc, "Qaraqosh").entity_type, EntityType::Loc);
    assert_eq!(entity(&doc, "Syrian").entity_type, EntityType::Norp);
    assert_eq!(entity(&doc, "Zumar").entity_type, EntityType::Org);
}

/// Regression (issue 6): the recogniser kept `Syrian` and `Human Rights` of
/// `the Syrian Observatory for Human Rights`, the most quoted source in
/// Syria's war; the dictionary knows the whole name, which joins them. A
/// role between two names keeps them apart.
#[test]
fn a_known_name_cut_in_pieces_by_the_recogniser_is_joined() {
    let text = "Five people died, the Syrian Observatory for Human Rights said. \
                Russian President Vladimir Putin called for calm.";
    let doc = run(
        text,
        &[
            ("Syrian", EntityType::Norp),
            ("Human Rights", EntityType::Org),
            ("Russian", EntityType::Norp),
            ("Vladimir Putin", EntityType::Person),
        ],
        false,
    );
    let sohr = entity(&doc, "Syrian Observatory for Human Rights");
    assert_eq!(sohr.entity_type, EntityType::Org);
    assert_eq!(sohr.actor_code.as_deref(), Some("SYROPPHRI"));
    assert!(doc.entities.iter().all(|e| e.canonical != "Human Rights"));
    assert_eq!(
        entity(&doc, "Vladimir Putin").entity_type,
        EntityType::Person
    );
    assert_eq!(entity(&doc, "Russian").entity_type, EntityType::Norp);
}
