//! Checks on a request's inputs that no single resolver can make, done once, before
//! execution, for every operation:
//!
//! - no string input holds a NUL character (U+0000): PostgreSQL cannot store one in text, and
//!   SQLite would keep a string that other systems cut short. Variables, literal arguments,
//!   directive arguments and variable defaults are all looked at; the answer is
//!   `BAD_USER_INPUT` naming the innermost input field (or the argument/variable).
//! - no directive on a variable definition: the schema declares none for that location, and
//!   async-graphql's validation does not visit them, so `query($a: Int @anything)` would
//!   otherwise pass silently (the spec's "Directives Are Defined" rule).

use async_graphql::{
    Pos, Positioned, ServerError, ServerResult, Value, Variables,
    parser::types::{Directive, ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};

use crate::error::AppError;

/// The checks on one request's variables and document (run by [`super::checks`] after
/// parsing).
pub fn check(variables: &Variables, doc: &ExecutableDocument) -> ServerResult<()> {
    check_variables(variables)?;
    check_document(doc)
}

fn nul_error(field: &str, pos: Option<Pos>) -> ServerError {
    let err = AppError::bad_input(field, format!("`{field}` must not contain a NUL character"))
        .into_graphql();
    let mut server = err.into_server_error(pos.unwrap_or_default());
    if pos.is_none() {
        server.locations.clear();
    }
    server
}

/// The first input field (innermost name) whose string value holds a NUL, if any.
fn nul_in<'a>(name: &'a str, value: &'a Value) -> Option<&'a str> {
    match value {
        Value::String(s) if s.contains('\0') => Some(name),
        Value::List(items) => items.iter().find_map(|v| nul_in(name, v)),
        Value::Object(fields) => fields
            .iter()
            .find_map(|(k, v)| nul_in(k.as_str(), v).or_else(|| k.contains('\0').then_some(name))),
        _ => None,
    }
}

/// Variables are checked whether or not the operation uses them: they are input all the same.
fn check_variables(variables: &Variables) -> ServerResult<()> {
    for (name, value) in variables.iter() {
        if let Some(field) = nul_in(name.as_str(), value) {
            return Err(nul_error(field, None));
        }
    }
    Ok(())
}

/// Checks literal arguments `(name, value)` (values may hold `$variables`, checked separately,
/// here read as null). A macro because async-graphql does not export the type of non-constant
/// values.
macro_rules! check_arguments {
    ($arguments:expr) => {
        for (name, value) in $arguments {
            let literal = value
                .node
                .clone()
                .into_const_with(|_| Ok::<_, ()>(Value::Null));
            if let Ok(literal) = literal
                && let Some(field) = nul_in(name.node.as_str(), &literal)
            {
                return Err(nul_error(field, Some(value.pos)));
            }
        }
    };
}

fn check_directives(directives: &[Positioned<Directive>]) -> ServerResult<()> {
    for d in directives {
        check_arguments!(&d.node.arguments);
    }
    Ok(())
}

fn check_selection_set(set: &Positioned<SelectionSet>) -> ServerResult<()> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) => {
                check_arguments!(&f.node.arguments);
                check_directives(&f.node.directives)?;
                check_selection_set(&f.node.selection_set)?;
            }
            Selection::InlineFragment(f) => {
                check_directives(&f.node.directives)?;
                check_selection_set(&f.node.selection_set)?;
            }
            Selection::FragmentSpread(s) => check_directives(&s.node.directives)?,
        }
    }
    Ok(())
}

fn check_operation(op: &Positioned<OperationDefinition>) -> ServerResult<()> {
    for var in &op.node.variable_definitions {
        if let Some(d) = var.node.directives.first() {
            return Err(ServerError::new(
                format!(
                    "Directive \"@{}\" may not be used on \"VARIABLE_DEFINITION\"",
                    d.node.name.node
                ),
                Some(d.pos),
            ));
        }
        if let Some(default) = &var.node.default_value
            && let Some(field) = nul_in(var.node.name.node.as_str(), &default.node)
        {
            return Err(nul_error(field, Some(default.pos)));
        }
    }
    check_directives(&op.node.directives)?;
    check_selection_set(&op.node.selection_set)
}

/// Every literal input of the document, and the directives the validator leaves alone.
pub fn check_document(doc: &ExecutableDocument) -> ServerResult<()> {
    for (_, op) in doc.operations.iter() {
        check_operation(op)?;
    }
    for fragment in doc.fragments.values() {
        check_directives(&fragment.node.directives)?;
        check_selection_set(&fragment.node.selection_set)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> ServerResult<()> {
        check_document(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    fn field_of(err: ServerError) -> String {
        let ext = err.extensions.expect("extensions");
        match ext.get("field") {
            Some(Value::String(s)) => s.clone(),
            other => panic!("no field: {other:?}"),
        }
    }

    #[test]
    fn nul_in_a_literal_names_the_innermost_field() {
        let err =
            check(r#"mutation { m(input: { a: { title: "x\u0000y" } }) { ok } }"#).unwrap_err();
        assert_eq!(field_of(err), "title");
        let err = check(r#"{ t(reference: "\u0000") { id } }"#).unwrap_err();
        assert_eq!(field_of(err), "reference");
        let err = check(r#"{ t(tags: ["a", "b\u0000"]) @include(if: true) { id } }"#).unwrap_err();
        assert_eq!(field_of(err), "tags");
        assert!(check(r#"{ t(reference: "ZJU-2025-002", n: 3) { id } }"#).is_ok());
    }

    #[test]
    fn nul_in_a_variable_or_default_is_refused() {
        let vars = Variables::from_json(serde_json::json!({ "input": { "summary": "a\u{0}" } }));
        assert_eq!(field_of(check_variables(&vars).unwrap_err()), "summary");
        let err = check(r#"query($q: String = "\u0000") { t(q: $q) { id } }"#).unwrap_err();
        assert_eq!(field_of(err), "q");
    }

    #[test]
    fn directives_on_variable_definitions_are_refused() {
        assert!(check("query($a: Int @unknown) { t(n: $a) { id } }").is_err());
        assert!(check("query($a: Int) { t(n: $a) { id } }").is_ok());
    }
}
