//! Checking a rules file typed or imported in the page before it is applied: in the worker
//! (`Request::CheckRules`), so the page's wasm carries no regex compiler.

use flakelens_core::categories::{parse_rules_file, RuleSet, RulesFile};

/// Parses a rules file (flakelens JSON or Allure `categories.json`) and compiles its rules, so
/// a bad pattern is reported, naming the rule, before the analysis changes. Blank text means
/// no user rules (the defaults only).
///
/// # Errors
/// The parser's message (with the JSON position) or the compiler's (with the rule's name).
pub fn parse_rules(text: &str) -> Result<RulesFile, String> {
    if text.trim().is_empty() {
        return Ok(RulesFile::default());
    }
    let rules = parse_rules_file(text)?;
    RuleSet::compile(&rules.rules).map_err(|e| e.to_string())?;
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_means_the_defaults() {
        assert_eq!(parse_rules("  \n"), Ok(RulesFile::default()));
    }

    #[test]
    fn a_bad_pattern_names_its_rule() {
        let error = parse_rules(
            r#"{"rules": [{"name": "unbalanced group", "category": "network", "message": "(refused"}]}"#,
        )
        .expect_err("the pattern does not compile");
        assert!(error.contains("\"unbalanced group\""), "{error}");
        assert!(error.contains("message pattern is invalid"), "{error}");
    }

    #[test]
    fn flakelens_and_allure_files_are_read() {
        let own = parse_rules(
            r#"{"categories":[{"id":"known-bug","name":"Known bug"}],"rules":[{"name":"page count","category":"known-bug","message":"page_count\\("}]}"#,
        )
        .expect("valid");
        assert_eq!(own.categories[0].name, "Known bug");
        assert_eq!(own.rules[0].category, "known-bug");
        let allure =
            parse_rules(r#"[{"name": "Infrastructure problems", "messageRegex": ".*refused.*"}]"#)
                .expect("valid");
        assert_eq!(allure.rules[0].category, "infrastructure-problems");
        assert!(parse_rules("{not json").is_err());
    }
}
