//! Format, encoding and input tests over small invented fixtures.

use newsgraph_core::{Date, Document, Format, Span};
use newsgraph_ingest::{sniff, IngestError, Input, JsonlFields, ReaderBuilder};
use std::io::Write;
use std::path::PathBuf;

fn reader() -> newsgraph_ingest::Reader {
    ReaderBuilder::new().build().expect("reader")
}

fn read(label: &str, bytes: &[u8]) -> Vec<Document> {
    reader().read_bytes(label, bytes).expect("read")
}

/// Every whitespace-separated word of the text maps back to source bytes
/// equal to it (verbatim) or containing an escape that produced it.
fn assert_maps(doc: &Document, file: &[u8]) {
    assert!(doc.check().is_ok());
    let mut verbatim = 0;
    for w in doc.text.split_whitespace() {
        let s = w.as_ptr() as usize - doc.text.as_ptr() as usize;
        let (a, b) = doc.source_map.span_to_source(Span::new(s, s + w.len()));
        let src = &file[a as usize..b as usize];
        if doc.meta.encoding != "UTF-8" && !w.is_ascii() {
            continue;
        }
        let no_nul: Vec<u8> = src.iter().copied().filter(|&c| c != 0).collect();
        if src == w.as_bytes() || no_nul == w.as_bytes() {
            verbatim += 1;
        } else {
            assert!(
                src.iter().any(|c| matches!(c, b'&' | b'\\' | b'<')),
                "{w:?} maps to {:?}",
                String::from_utf8_lossy(src)
            );
        }
    }
    assert!(verbatim > 0);
    // Raw is the document's slice of the file.
    let off = doc.meta.source.offset as usize;
    assert_eq!(&file[off..off + doc.raw.len()], &doc.raw[..]);
}

const SEED: &str = " date 2023-04-05 Harbour Council Approves New Ferry Route\n\nBy Jane Example, Staff\n\nPORTVILLE, April 4 (Wire) - The harbour council voted on Tuesday to add a ferry.\n\n“It is a good day,” the mayor said.\n";

#[test]
fn seed_format() {
    assert_eq!(sniff(SEED.as_bytes(), "a.txt"), Format::Seed);
    assert_eq!(sniff(&SEED.as_bytes()[1..], "a.txt"), Format::Seed);
    let d = &read("a.txt", SEED.as_bytes())[0];
    assert_eq!(d.meta.format, Some(Format::Seed));
    assert_eq!(d.meta.published, Date::new(2023, 4, 5));
    assert_eq!(
        d.meta.title.as_deref(),
        Some("Harbour Council Approves New Ferry Route")
    );
    assert_eq!(
        d.slice(d.layout.title.unwrap()),
        "Harbour Council Approves New Ferry Route"
    );
    assert_eq!(d.meta.byline.as_deref(), Some("By Jane Example, Staff"));
    assert!(d.slice(d.layout.body).starts_with("PORTVILLE, April 4"));
    assert!(d.slice(d.layout.body).ends_with("said."));
    assert_eq!(d.meta.dateline_place.as_deref(), Some("PORTVILLE"));
    assert_eq!(
        d.slice(d.layout.dateline.unwrap()),
        "PORTVILLE, April 4 (Wire) -"
    );
    assert_eq!(d.text, SEED);
    assert!(d.source_map.is_identity());
    assert_eq!(d.id, newsgraph_core::content_id(&d.text));
    assert_maps(d, SEED.as_bytes());
}

#[test]
fn text_format_and_datelines() {
    let t = "Markets Rally On Rate Hopes\n\nLONDON, March 3 - Shares rose.\n\nMore text here.\n";
    let d = &read("b.txt", t.as_bytes())[0];
    assert_eq!(d.meta.format, Some(Format::Text));
    assert_eq!(d.meta.title.as_deref(), Some("Markets Rally On Rate Hopes"));
    assert_eq!(d.meta.dateline_place.as_deref(), Some("LONDON"));
    assert!(d.slice(d.layout.body).starts_with("LONDON"));
    assert_maps(d, t.as_bytes());
    for (s, place) in [
        ("BAGHDAD, Dec 9 (Reuters) - Text", Some("BAGHDAD")),
        ("WASHINGTON (AP) \u{2014} Text", Some("WASHINGTON")),
        ("NEW YORK - Text", Some("NEW YORK")),
        ("The council - which met - voted", None),
        ("It was a day", None),
    ] {
        let got = newsgraph_ingest::detect_dateline(s).map(|d| &s[d.place_start..d.place_end]);
        assert_eq!(got, place, "{s}");
    }
    assert_eq!(
        newsgraph_ingest::parse_date("Fri, 10 Dec 2021 10:00:00 +0000"),
        Date::new(2021, 12, 10)
    );
    assert_eq!(
        newsgraph_ingest::parse_date("26-FEB-1987 15:01:01.79"),
        Date::new(1987, 2, 26)
    );
    assert_eq!(
        newsgraph_ingest::parse_date("December 10, 2021"),
        Date::new(2021, 12, 10)
    );
    assert_eq!(
        newsgraph_ingest::parse_date("2021-12-10T08:00:00Z"),
        Date::new(2021, 12, 10)
    );
    assert_eq!(newsgraph_ingest::parse_date("soon"), None);
}

#[test]
fn jsonl_format() {
    let j = concat!(
        r#"{"id": 7, "title": "Tom \"Q\" Wins", "text": "ROME, May 2 - Line one.\nLine \u00e9 two \ud83d\ude00 end\\ok.", "date": "Fri, 10 Dec 2021 08:00:00 GMT", "url": "https://news.example/a", "tags": {"x": [1, {"y": "}"}]}}"#,
        "\n",
        "{not json}\n",
        "\n",
        r#"{"headline": "Second", "body": "Plain body text.", "published": "2020-01-31"}"#,
        "\n"
    );
    assert_eq!(sniff(j.as_bytes(), "x"), Format::Jsonl);
    let recs = reader().read_bytes_records("x.jsonl", j.as_bytes());
    assert_eq!(recs.len(), 3);
    let err = recs[1].as_ref().expect_err("bad line");
    assert!(
        err.to_string()
            .starts_with("x.jsonl:2: bad record: invalid JSON"),
        "{err}"
    );
    let d = recs[0].as_ref().expect("doc");
    assert_eq!(
        d.text,
        "Tom \"Q\" Wins\n\nROME, May 2 - Line one.\nLine é two 😀 end\\ok."
    );
    assert_eq!(d.meta.title.as_deref(), Some("Tom \"Q\" Wins"));
    assert_eq!(d.slice(d.layout.title.unwrap()), "Tom \"Q\" Wins");
    assert!(d.slice(d.layout.body).starts_with("ROME"));
    assert_eq!(d.meta.published, Date::new(2021, 12, 10));
    assert_eq!(d.meta.source.url.as_deref(), Some("https://news.example/a"));
    assert_eq!(d.meta.dateline_place.as_deref(), Some("ROME"));
    assert_eq!(d.meta.source.index, 0);
    assert_maps(d, j.as_bytes());
    // Escapes map to their whole escape sequence.
    let e = d.text.find('é').unwrap();
    let (a, b) = d.source_map.span_to_source(Span::new(e, e + 2));
    assert_eq!(&j[a as usize..b as usize], "\\u00e9");
    let e = d.text.find('😀').unwrap();
    let (a, b) = d.source_map.span_to_source(Span::new(e, e + 4));
    assert_eq!(&j[a as usize..b as usize], "\\ud83d\\ude00");
    let d2 = recs[2].as_ref().expect("doc");
    assert_eq!(d2.meta.source.index, 3);
    assert_eq!(d2.meta.published, Date::new(2020, 1, 31));
    assert_maps(d2, j.as_bytes());
    // read_bytes keeps the good docs and notes the bad line.
    let docs = read("x.jsonl", j.as_bytes());
    assert_eq!(docs.len(), 2);
    assert!(docs[0].diagnostics.iter().any(|x| x.code == "bad-record"));
    // Custom field names.
    let r = ReaderBuilder::new()
        .format(Some(Format::Jsonl))
        .jsonl_fields(JsonlFields {
            text: vec!["txt".into()],
            ..JsonlFields::default()
        })
        .build()
        .unwrap();
    let d = r.read_bytes("y", br#"{"txt": "hello there"}"#).unwrap();
    assert_eq!(d[0].text, "hello there");
}

const HTML: &str = r#"<!DOCTYPE html>
<html lang="en-GB"><head><title>Bridge Opens | Example Post</title>
<meta property="og:title" content="Bridge Opens">
<meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2022-06-01T09:30:00Z">
<meta property="og:site_name" content="Example Post">
<link rel="canonical" href="https://post.example/bridge">
<script>var x = "<p>Bridge</p>";</script>
</head><body><nav><a href="/">Home</a> Bridge</nav>
<header><p>Site header Bridge</p></header>
<article>
<h1>Bridge   Opens</h1>
<p class="byline">By Sam Writer</p>
<p>RIVERTON, June 1 - The new bridge &amp; its <b>lights</b> opened&nbsp;today.</p>
<!-- a comment <p>hidden</p> -->
<div class="share-tools"><p>Share this</p></div>
<p>Officials said &ldquo;traffic&rdquo; would ease.
   Caf&#233; owners &#x263A; cheered.</p>
<ul><li>First point</li><li>Second point</li></ul>
</article>
<aside><p>Related stories</p></aside>
<footer>Copyright</footer>
</body></html>"#;

#[test]
fn html_format() {
    assert_eq!(sniff(HTML.as_bytes(), "page"), Format::Html);
    let d = &read("p.html", HTML.as_bytes())[0];
    assert_eq!(d.meta.format, Some(Format::Html));
    assert_eq!(d.meta.title.as_deref(), Some("Bridge Opens"));
    assert_eq!(d.slice(d.layout.title.unwrap()), "Bridge Opens");
    assert_eq!(d.meta.byline.as_deref(), Some("Sam Writer"));
    assert_eq!(d.slice(d.layout.byline.unwrap()), "By Sam Writer");
    assert_eq!(d.meta.published, Date::new(2022, 6, 1));
    assert_eq!(
        d.meta.source.url.as_deref(),
        Some("https://post.example/bridge")
    );
    assert_eq!(d.meta.outlet.as_deref(), Some("Example Post"));
    assert_eq!(d.meta.language, "en-GB");
    assert_eq!(d.meta.dateline_place.as_deref(), Some("RIVERTON"));
    let body = d.slice(d.layout.body);
    assert!(
        body.starts_with("RIVERTON, June 1 - The new bridge & its lights opened today."),
        "{body}"
    );
    assert!(body.contains("\n\nOfficials said “traffic” would ease. Café owners ☺ cheered.\n\nFirst point\n\nSecond point"), "{body}");
    for gone in [
        "Home",
        "Share this",
        "Related",
        "Copyright",
        "hidden",
        "header",
        "var x",
    ] {
        assert!(!d.text.contains(gone), "{gone} in {:?}", d.text);
    }
    assert!(
        !d.diagnostics.iter().any(|x| x.code == "unmapped-text"),
        "{:?}",
        d.diagnostics
    );
    assert_maps(d, HTML.as_bytes());
    let e = d.text.find('&').unwrap();
    let (a, b) = d.source_map.span_to_source(Span::new(e, e + 1));
    assert_eq!(&HTML[a as usize..b as usize], "&amp;");
    let e = d.text.find('é').unwrap();
    let (a, b) = d.source_map.span_to_source(Span::new(e - 3, e + 2));
    assert_eq!(&HTML[a as usize..b as usize], "Caf&#233;");
}

#[test]
fn html_density_fallback_and_crlf() {
    let h = "<html><body>\r\n<div id=\"menu\"><p>Menu</p></div>\r\n<div><p>First long paragraph of the story text.</p>\r\n<p>Second long paragraph,\r\n wrapped.</p></div></body></html>";
    let d = &read("q.htm", h.as_bytes())[0];
    assert_eq!(
        d.slice(d.layout.body),
        "First long paragraph of the story text.\n\nSecond long paragraph, wrapped."
    );
    assert_maps(d, h.as_bytes());
}

#[test]
fn html_deep_nesting() {
    let n = 100_000;
    let mut h = String::from("<html><body><article><p>Deep start.</p>");
    for _ in 0..n {
        h.push_str("<span>");
    }
    h.push_str("deep text");
    for _ in 0..n {
        h.push_str("</span>");
    }
    h.push_str("</article></body></html>");
    let d = &read("deep.html", h.as_bytes())[0];
    assert!(d.text.contains("deep text"));
    assert_maps(d, h.as_bytes());
    let mut h = String::from("<div>");
    for _ in 0..n {
        h.push_str("<div><p>x");
    }
    let t = std::time::Instant::now();
    let d = &read("deep2.html", h.as_bytes())[0];
    assert!(t.elapsed().as_secs() < 20);
    assert!(d.text.starts_with("x\n\nx"));
    assert_maps(d, h.as_bytes());
}

fn reuters_fixture() -> String {
    let mut s = String::from("<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n");
    s.push_str("<REUTERS TOPICS=\"YES\" NEWID=\"1\">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n<TOPICS><D>grain</D></TOPICS>\n<TEXT>&#2;\n<TITLE>FARM GROUP &lt;ABC&gt; SEES GAIN</TITLE>\n<DATELINE>    KANSAS CITY, Feb 26 - </DATELINE><BODY>The farm group said output\nwould rise, &amp; prices hold.\n    It gave no details.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n");
    s.push_str("<REUTERS NEWID=\"2\">\n<DATE> 2-MAR-1987 09:00:00.00</DATE>\n<TEXT TYPE=\"BRIEF\">&#2;\n<TITLE>SHORT ITEM</TITLE>\n</TEXT>\n</REUTERS>\n");
    s.push_str("<REUTERS NEWID=\"3\">\n<DATE>3-MAR-1987 10:00:00.00</DATE>\n<TEXT TYPE=\"UNPROC\">&#2;\nWEEKLY TABLE - MAR 3\n Item.......1 vs.....2\n Reuter\n&#3;</TEXT>\n</REUTERS>\n");
    s
}

#[test]
fn reuters_format() {
    let s = reuters_fixture();
    assert_eq!(sniff(s.as_bytes(), "r.sgm"), Format::Reuters);
    let docs = read("r.sgm", s.as_bytes());
    assert_eq!(docs.len(), 3);
    let d = &docs[0];
    assert_eq!(d.meta.title.as_deref(), Some("FARM GROUP <ABC> SEES GAIN"));
    assert_eq!(d.meta.published, Date::new(1987, 2, 26));
    assert_eq!(
        d.meta.published_raw.as_deref(),
        Some("26-FEB-1987 15:01:01.79")
    );
    assert_eq!(d.meta.dateline_place.as_deref(), Some("KANSAS CITY"));
    assert_eq!(d.meta.outlet.as_deref(), Some("Reuters"));
    assert_eq!(d.slice(d.layout.dateline.unwrap()), "KANSAS CITY, Feb 26 -");
    assert_eq!(
        d.slice(d.layout.body),
        "KANSAS CITY, Feb 26 - The farm group said output\nwould rise, & prices hold.\n    It gave no details."
    );
    assert!(!d.text.contains("Reuter\n"));
    assert_eq!(d.meta.source.offset as usize, s.find("<REUTERS").unwrap());
    assert!(d.raw.starts_with(b"<REUTERS") && d.raw.ends_with(b"</REUTERS>"));
    assert_maps(d, s.as_bytes());
    let b = &docs[1];
    assert_eq!(b.meta.source.index, 1);
    assert_eq!(b.text, "SHORT ITEM");
    assert_eq!(b.meta.published, Date::new(1987, 3, 2));
    assert!(b.diagnostics.iter().any(|x| x.code == "no-body"));
    let u = &docs[2];
    assert!(u.slice(u.layout.body).starts_with("WEEKLY TABLE"));
    assert!(u.slice(u.layout.body).ends_with("2"));
    assert_maps(u, s.as_bytes());
}

#[test]
fn reuters_with_latin1_byte() {
    let mut s = reuters_fixture().into_bytes();
    let at = s.windows(6).position(|w| w == b"output").unwrap();
    s[at] = 0xFC; // "ütput"
    let docs = read("r.sgm", &s);
    assert_eq!(docs[0].meta.encoding, "windows-1252");
    assert!(docs[0].text.contains("üutput"), "{}", docs[0].text);
    assert_eq!(docs[1].meta.encoding, "UTF-8");
    assert_maps(&docs[0], &s);
}

#[test]
fn encodings() {
    // windows-1252 with é and ’
    let w: &[u8] = b"Caf\xe9 Owners Rejoice\n\nThe caf\xe9\x92s owner said it\x92s fine.\n";
    let d = &read("w.txt", w)[0];
    assert_eq!(d.meta.encoding, "windows-1252");
    assert!(d.text.contains("café’s owner said it’s fine."));
    assert_maps(d, w);
    let e = d.text.find('’').unwrap();
    assert_eq!(d.source_map.span_to_source(Span::new(e, e + 3)), (29, 30));
    // UTF-16 LE / BE with BOM
    let text = "Title Here\n\nNaïve café body — “quoted” 😀.\n";
    for be in [false, true] {
        let mut b = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            b.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        let d = &read("u16.txt", &b)[0];
        assert_eq!(d.text, text);
        assert_eq!(d.meta.encoding, if be { "UTF-16BE" } else { "UTF-16LE" });
        assert_eq!(d.meta.title.as_deref(), Some("Title Here"));
        let e = d.text.find("body").unwrap();
        let u = 2 + 2 * text[..e].encode_utf16().count() as u64;
        assert_eq!(d.source_map.span_to_source(Span::new(e, e + 4)), (u, u + 8));
        let e = d.text.find('😀').unwrap();
        let (a, z) = d.source_map.span_to_source(Span::new(e, e + 4));
        assert_eq!(z - a, 4);
    }
    // UTF-8 BOM
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(SEED.as_bytes());
    let d = &read("bom.txt", &b)[0];
    assert_eq!(d.text, SEED);
    assert_eq!(d.meta.format, Some(Format::Seed));
    assert_eq!(d.source_map.to_source(0), 3);
    // invalid UTF-8 byte in an otherwise UTF-8 file
    let mut b = "Headline “x”\n\nBody ".as_bytes().to_vec();
    let bad_at = b.len();
    b.push(0xFF);
    b.extend_from_slice(" é end.\n".as_bytes());
    let d = &read("bad.txt", &b)[0];
    assert_eq!(d.meta.encoding, "UTF-8");
    assert!(d.text.contains("Body \u{FFFD} é end."));
    let diag = d
        .diagnostics
        .iter()
        .find(|x| x.code == "lossy-decoding")
        .expect("diag");
    assert!(
        diag.message.contains(&format!("byte {bad_at}")),
        "{}",
        diag.message
    );
    let e = d.text.find("end").unwrap();
    let (a, _) = d.source_map.span_to_source(Span::new(e, e + 3));
    assert_eq!(&b[a as usize..a as usize + 3], b"end");
    // NUL bytes
    let b = b"Title\n\nBo\0dy te\0xt.\n";
    let d = &read("nul.txt", b)[0];
    assert_eq!(d.text, "Title\n\nBody text.\n");
    assert!(d.diagnostics.iter().any(|x| x.code == "nul-bytes"));
    assert_maps(d, b);
}

#[test]
fn errors() {
    let r = reader();
    let e = r.read_bytes("empty.txt", b"").unwrap_err();
    assert_eq!(e.to_string(), "empty.txt: empty file");
    assert!(matches!(
        r.read_bytes("ws.txt", b" \n\t\n"),
        Err(IngestError::Empty { .. })
    ));
    let e = r
        .read_bytes("img.png", b"\x89PNG\r\n\x1a\n\0\0\0")
        .unwrap_err();
    assert!(matches!(e, IngestError::Binary { .. }));
    let bin: Vec<u8> = (0..4000u32).map(|i| (i % 7) as u8).collect();
    let e = r.read_bytes("data/x.html", &bin).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("data/x.html: not a text file (binary content: "),
        "{e}"
    );
    let e = r
        .read_input(&Input::File("/nonexistent/missing.txt".into()))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "/nonexistent/missing.txt: cannot read: No such file or directory"
    );
    assert!(ReaderBuilder::new().glob(Some("a[")).build().is_err());
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip() {
    let z = gz(SEED.as_bytes());
    let d = &read("a.txt.gz", &z)[0];
    assert_eq!(d.text, SEED);
    assert_eq!(d.meta.format, Some(Format::Seed));
    // multi-member
    let mut z2 = gz(b"Title\n\nFirst half ");
    z2.extend(gz(b"second half.\n"));
    assert_eq!(
        read("m.gz", &z2)[0].text,
        "Title\n\nFirst half second half.\n"
    );
    // jsonl inside gz
    let j = gz(br#"{"text": "a b c"}"#);
    assert_eq!(read("j.jsonl.gz", &j)[0].meta.format, Some(Format::Jsonl));
    let e = reader().read_bytes("a.gz", &z[..z.len() / 2]).unwrap_err();
    assert_eq!(e.to_string(), "a.gz: truncated gzip stream");
    let small = ReaderBuilder::new().max_bytes(10).build().unwrap();
    assert!(matches!(
        small.read_bytes("a.gz", &z),
        Err(IngestError::TooLarge { .. })
    ));
}

#[test]
fn directory_walk_and_glob() {
    let dir = std::env::temp_dir().join(format!("ng-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    for f in [
        "b.txt",
        "a.txt",
        "sub/c.txt",
        "sub/d.html",
        ".hidden/e.txt",
        ".f.txt",
    ] {
        std::fs::write(dir.join(f), "Title\n\nBody.\n").unwrap();
    }
    let r = ReaderBuilder::new().glob(Some("*.txt")).build().unwrap();
    let paths = vec![
        dir.clone(),
        PathBuf::from("/nonexistent/zzz"),
        PathBuf::from("-"),
    ];
    let got: Vec<String> = r
        .inputs(&paths)
        .map(|i| match i {
            Ok(Input::File(p)) => p.strip_prefix(&dir).unwrap().display().to_string(),
            Ok(Input::Stdin) => "-".into(),
            Err(e) => format!("ERR {e}"),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "a.txt".to_string(),
            "b.txt".into(),
            "sub/c.txt".into(),
            "ERR /nonexistent/zzz: cannot read: No such file or directory".into(),
            "-".into()
        ]
    );
    let all: Vec<_> = reader().inputs(std::slice::from_ref(&dir)).collect();
    assert_eq!(all.len(), 4);
    let input = Input::File(dir.join("a.txt"));
    assert_eq!(
        reader().read_input(&input).unwrap()[0].meta.source.path,
        input.label()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reader_is_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<newsgraph_ingest::Reader>();
}

#[test]
fn text_body_opening_with_a_date_line_gives_the_publication_date() {
    let t =
        "Ceasefire Holds In Port City\n\nFriday, August 21, 2015\n\nThe truce held overnight.\n";
    let d = &read("c.txt", t.as_bytes())[0];
    assert_eq!(d.meta.published, Date::new(2015, 8, 21));
    assert_eq!(
        d.layout.dateline.map(|s| d.slice(s)),
        Some("Friday, August 21, 2015")
    );
    // A first line that merely mentions a date is body text, not a date line.
    let t = "Ceasefire Holds\n\nOn Friday, August 21, 2015 the truce held.\n";
    let d = &read("c.txt", t.as_bytes())[0];
    assert_eq!(d.meta.published, None);
    assert_eq!(d.layout.dateline, None);
}

#[test]
fn source_ids_are_kept() {
    let j = b"{\"id\": 42, \"title\": \"T\", \"text\": \"Body text here.\"}\n";
    let d = &read("ids.jsonl", j)[0];
    assert_eq!(d.meta.source.external_id.as_deref(), Some("42"));
    let r = b"<REUTERS TOPICS=\"NO\" NEWID=\"7\"><DATE>26-FEB-1987 15:01:01.79</DATE>\n<TEXT><TITLE>T</TITLE><BODY>Body text.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n";
    let d = &read("ids.sgm", r)[0];
    assert_eq!(d.meta.source.external_id.as_deref(), Some("7"));
}

#[test]
fn a_single_long_line_is_body_not_title() {
    let long = "The council met again. ".repeat(40);
    let d = &read("one.txt", long.as_bytes())[0];
    assert_eq!(d.meta.title, None);
    assert_eq!(d.slice(d.layout.body), long.trim());
    let d = &read("short.txt", b"Delegates met in Geneva. They said little.\n")[0];
    assert_eq!(d.meta.title, None);
    assert!(d.slice(d.layout.body).starts_with("Delegates"));
}
