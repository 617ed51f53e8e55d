//! `schema.graphql` is generated from the code and must not drift.

#[test]
fn schema_file_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists; generate it with `cargo run -- schema > schema.graphql`");
    let generated = biobridge::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is stale: regenerate it with `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn cli_schema_prints_exactly_the_sdl_on_stdout() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_biobridge"))
        .arg("schema")
        .output()
        .expect("run biobridge schema");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        biobridge::graphql::sdl()
    );
}

/// Every type, field, input field and enum value of the SDL carries a description (from doc
/// comments), except what async-graphql generates (connections, edges, page info).
#[test]
fn every_type_and_field_is_documented() {
    let sdl = biobridge::graphql::sdl();
    let generated = |t: &str| t.ends_with("Connection") || t.ends_with("Edge") || t == "PageInfo";
    let mut current: Option<String> = None;
    let mut in_doc = false;
    let mut documented = false;
    let mut missing = Vec::new();
    for line in sdl.lines() {
        // Described arguments are printed one per line under their field, with their own
        // blocks; they belong to the field above (tests/api/descriptions.rs checks them).
        if line.starts_with("\t\t") || line.starts_with("\t)") {
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A block opens and closes on lines of its own; a one-line block does both.
            let one_line = trimmed.len() > 6 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_doc = !in_doc;
            }
            documented = !in_doc;
            continue;
        }
        if in_doc || trimmed.is_empty() {
            continue;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        if !line.starts_with('\t') {
            current = None;
            if let [kind, name, ..] = words.as_slice()
                && ["type", "input", "enum", "interface", "union", "scalar"].contains(kind)
            {
                current = Some(name.to_string());
                if !documented && !generated(name) {
                    missing.push(format!("{kind} {name}"));
                }
            }
        } else if let Some(ty) = &current
            && !generated(ty)
            && !documented
        {
            let field = trimmed.split(['(', ':', ' ']).next().unwrap_or_default();
            missing.push(format!("{ty}.{field}"));
        }
        documented = false;
    }
    assert!(
        missing.is_empty(),
        "undocumented in the SDL:\n{}",
        missing.join("\n")
    );
}
