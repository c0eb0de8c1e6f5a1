//! Unit tests of the engine: secretGroup semantics, keyword gating, windows,
//! entropy and placeholder filters, positions and inline markers.

use super::*;
use crate::rules::{Rule, RuleSet};

fn rule(id: &str, re: &str, kws: &[&str]) -> Rule {
    let mut r = Rule::new(id);
    r.regex_source = Some(re.into());
    r.keywords = kws.iter().map(|s| s.to_string()).collect();
    r
}

fn engine(rules: Vec<Rule>) -> Engine {
    Engine::new(RuleSet {
        rules,
        allowlists: Vec::new(),
    })
    .unwrap()
}

fn secrets(e: &Engine, text: &str) -> Vec<String> {
    e.find(text.as_bytes())
        .into_iter()
        .map(|m| String::from_utf8_lossy(&m.secret).into_owned())
        .collect()
}

#[test]
fn secret_group_unset_takes_first_non_empty_group() {
    let e = engine(vec![rule(
        "r",
        r"(?:(a)|(k))ey=([A-Za-z0-9]{10})",
        &["ey="],
    )]);
    // Group 1 did not participate, group 2 = "k" is the first non-empty one.
    assert_eq!(secrets(&e, "key=Q8w7E6r5T4"), vec!["k"]);
}

#[test]
fn secret_group_unset_without_groups_is_whole_match() {
    let e = engine(vec![rule("r", r"tok_[a-z0-9]{10}", &["tok_"])]);
    assert_eq!(secrets(&e, "x tok_q8w7e6r5t4 y"), vec!["tok_q8w7e6r5t4"]);
}

#[test]
fn secret_group_explicit() {
    let mut r = rule("r", r"(id)=(\w+):(\w{10})", &["id="]);
    r.secret_group = Some(3);
    let e = engine(vec![r]);
    assert_eq!(secrets(&e, "id=user:Q8w7E6r5T4"), vec!["Q8w7E6r5T4"]);
    let mut r = rule("r", r"(id)=(\w+)", &["id="]);
    r.secret_group = Some(0);
    let e = engine(vec![r]);
    assert_eq!(secrets(&e, "id=Q8w7E6r5T4"), vec!["id=Q8w7E6r5T4"]);
}

#[test]
fn keyword_gates_the_rule() {
    // The regex would match, but the keyword is absent: the rule never runs.
    let e = engine(vec![rule("r", r"[A-Z]{3}[0-9]{5}", &["zzz"])]);
    assert!(secrets(&e, "QWE12345").is_empty());
    assert_eq!(secrets(&e, "ZZZ QWE12346"), vec!["QWE12346"]);
}

#[test]
fn keywordless_rules_scan_everything() {
    let e = engine(vec![rule("r", r"\bQK[0-9]{6}\b", &[])]);
    assert_eq!(secrets(&e, "a\nb QK918273 c"), vec!["QK918273"]);
}

#[test]
fn entropy_must_exceed_threshold() {
    let mut r = rule("r", r"pw=(\S+)", &["pw="]);
    r.entropy = Some(3.0);
    let e = engine(vec![r]);
    // "aabbccdd" has exactly 2 bits; "q8W7e6R5t4Y3" well above 3.
    assert!(secrets(&e, "pw=aabbccdd").is_empty());
    assert_eq!(secrets(&e, "pw=q8W7e6R5t4Y3"), vec!["q8W7e6R5t4Y3"]);
}

#[test]
fn generic_rules_need_a_digit_when_entropy_is_set() {
    let mut r = rule("generic-password", r"pw=(\S+)", &["pw="]);
    r.entropy = Some(2.0);
    let e = engine(vec![r]);
    assert!(secrets(&e, "pw=qWeRtYuIoPaS").is_empty());
    assert_eq!(secrets(&e, "pw=qWeRtYuIoPa5"), vec!["qWeRtYuIoPa5"]);
}

#[test]
fn placeholders_are_dropped() {
    let e = engine(vec![rule("generic-r", r#"token = "([^"]+)""#, &["token"])]);
    for p in [
        "${TOKEN}",
        "xxxxxxxxxxxx",
        "your_api_key_here",
        "abcdef123456",
        "changeme",
    ] {
        assert!(secrets(&e, &format!("token = \"{p}\"")).is_empty(), "{p}");
    }
}

#[test]
fn positions_and_inline_markers() {
    let mut r = rule("r", r"tok_([a-z0-9]{10})", &["tok_"]);
    let mut line_list = crate::allow::Allowlist::default();
    line_list.regexes = vec!["never".into()];
    line_list.regex_target = crate::allow::RegexTarget::Line;
    r.allowlists.push(line_list);
    let e = engine(vec![r]);
    let text = "first\n  x = tok_q8w7e6r5t4\nthird tok_a1s2d3f4g5 # leakgate:allow\n";
    let ms = e.find(text.as_bytes());
    assert_eq!(ms.len(), 2);
    assert_eq!((ms[0].line, ms[0].end_line, ms[0].column), (2, 2, 11));
    assert_eq!(ms[0].matched, b"tok_q8w7e6r5t4");
    assert_eq!(ms[0].line_text, b"  x = tok_q8w7e6r5t4");
    assert!(!ms[0].inline_allowed);
    assert_eq!((ms[1].line, ms[1].column), (3, 11));
    assert!(ms[1].inline_allowed);
    // Without a line-targeted allowlist, the line text is not kept.
    let plain = engine(vec![rule("r", r"tok_([a-z0-9]{10})", &["tok_"])]);
    assert!(plain.find(text.as_bytes())[0].line_text.is_empty());
}

#[test]
fn multiline_rules_get_a_large_window() {
    let re = r"-----BEGIN RSA PRIVATE KEY-----[\s\S]{64,}?-----END RSA PRIVATE KEY-----"; // leakgate:allow (test pattern)
    let e = engine(vec![rule("pk", re, &["-----begin rsa private"])]);
    // Pseudo-random base64 body, 60 lines of 64 characters.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x: u32 = 12345;
    let mut body = String::new();
    for _ in 0..60 {
        for _ in 0..64 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            body.push(char::from(alphabet[(x >> 16) as usize % 64]));
        }
        body.push('\n');
    }
    let text = format!("x\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
    let ms = e.find(text.as_bytes());
    assert_eq!(ms.len(), 1);
    assert_eq!((ms[0].line, ms[0].end_line), (2, 63));
}

#[test]
fn matches_far_from_any_keyword_are_not_searched() {
    let e = engine(vec![rule("r", r"tok_[a-z0-9]{10}", &["marker"])]);
    let mut text = String::from("marker\n");
    text.push_str(&"filler line of text\n".repeat(1000));
    text.push_str("tok_q8w7e6r5t4\n");
    assert!(secrets(&e, &text).is_empty());
}

#[test]
fn huge_single_line_is_bounded() {
    let mut data = vec![b'a'; 5 << 20];
    let secret = b" tok_q8w7e6r5t4 ";
    data[3 << 20..(3 << 20) + secret.len()].copy_from_slice(secret);
    let e = engine(vec![rule("r", r"tok_[a-z0-9]{10}", &["tok_"])]);
    let ms = e.find(&data);
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].column, (3 << 20) + 2);
}

#[test]
fn rules_sharing_a_regex_are_grouped_only_when_groups_and_keywords_agree() {
    let re = r"tok_([a-z0-9]{10})";
    let mut whole = rule("whole", re, &["tok_"]);
    whole.secret_group = Some(0);
    let rules = vec![
        rule("a", re, &["tok_"]),
        rule("other-keyword", re, &["zzz"]),
        rule("b", re, &["TOK_"]),
        whole,
        rule("c", r"key_([a-z0-9]{10})", &["key_"]),
        rule("other-keyword-2", re, &["zzz"]),
    ];
    assert_eq!(
        matcher_groups(&rules),
        vec![vec![0, 2], vec![1, 5], vec![], vec![3], vec![4], vec![]]
    );
    // Every member still reports its own match.
    let e = engine(rules);
    let ids: Vec<usize> = e
        .find(b"x tok_q8w7e6r5t4 zzz")
        .iter()
        .map(|m| m.rule)
        .collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 5]);
}

/// A deterministic xorshift64* generator for the engine's randomised
/// differential tests (`runs`, `decode`).
pub(super) fn xorshift() -> impl FnMut() -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Hits far apart in wide windows take the anchored path: its matches are
/// those of the window scan, look-behind at the span start included.
#[test]
fn anchored_verification_finds_what_the_window_scan_finds() {
    let e = engine(vec![
        rule("bounded", r"\bzq_[a-z0-9]{12}\b", &["zq_"]),
        rule(
            "line",
            r"(?m)^ZQTOKEN[ \t]*=[ \t]*(\w{10,})[ \t]*$",
            &["zqtoken"],
        ),
    ]);
    let filler = "lorem ipsum dolor sit amet\n".repeat(120);
    let text = format!(
        "{filler}a zq_abcdefghij12 b\n{filler}xzq_abcdefghij12 no boundary\n{filler}\
         ZQTOKEN = value123456789   \n{filler}  ZQTOKEN = indented1234\n{filler}zq_short\n"
    );
    let got: Vec<(String, String)> = e
        .find(text.as_bytes())
        .into_iter()
        .map(|m| {
            (
                e.rules().rules[m.rule].id.clone(),
                String::from_utf8_lossy(&m.secret).into_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("bounded".to_string(), "zq_abcdefghij12".to_string()),
            ("line".to_string(), "value123456789".to_string()),
        ]
    );
}
