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

#[test]
fn every_type_and_field_is_documented_where_it_matters() {
    let sdl = biobridge::graphql::sdl();
    for needle in [
        "Global id",
        "Technology readiness level",
        "interface Node",
        "type PageInfo",
    ] {
        assert!(sdl.contains(needle), "SDL lacks {needle:?}");
    }
}
