//! The depth and complexity limits, and who may introspect.
//!
//! Limit errors name the limit and the measured value. Operations that only introspect
//! (`__schema`, `__type`, `__typename` at the root) are exempt from the configured depth and
//! complexity limits — GraphiQL's, Apollo's and graphql-codegen's standard introspection
//! queries nest `ofType` deeper than any sensible limit for data — and are bounded instead by
//! graphql-js's own introspection rule (`MaxIntrospectionDepthRule`: at most two nested
//! `fields`/`inputFields`/`interfaces`/`possibleTypes` lists), which is what makes
//! introspection expensive; the alias limit still applies. Introspection answers from the
//! schema in memory and never touches the database.

use std::{
    collections::HashSet,
    sync::atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    ErrorExtensionValues, Positioned, Request, ServerError, ServerResult, ValidationResult,
    extensions::ExtensionContext,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use super::RequestCtx;
use crate::{auth::PrincipalKind, config::Introspection, error::AppError};

/// graphql-js's bound on nested introspection lists: refused at this many.
const MAX_INTROSPECTION_LISTS: usize = 3;

/// Depth, complexity and the introspection switch, as configured.
pub(super) struct OperationLimits {
    pub depth: usize,
    pub complexity: usize,
    pub introspection: Introspection,
}

impl OperationLimits {
    /// The limits of one request (run by [`super::checks`]).
    pub(super) fn for_request(&self) -> RequestLimits {
        RequestLimits {
            depth: self.depth,
            complexity: self.complexity,
            introspection: self.introspection,
            may_introspect: AtomicBool::new(self.introspection == Introspection::On),
            exempt: AtomicBool::new(false),
        }
    }
}

/// One request's limits.
pub(super) struct RequestLimits {
    depth: usize,
    complexity: usize,
    introspection: Introspection,
    may_introspect: AtomicBool,
    /// Set when the document only introspects.
    exempt: AtomicBool,
}

impl RequestLimits {
    /// Before parsing: whether this caller may introspect (introspection is disabled on the
    /// request otherwise).
    pub(super) fn prepare(&self, ctx: &ExtensionContext<'_>, request: Request) -> Request {
        // HTTP puts the context into the request's data, the WebSocket into the session's.
        let signed_in = request
            .data
            .get(&std::any::TypeId::of::<RequestCtx>())
            .and_then(|d| d.downcast_ref::<RequestCtx>())
            .or_else(|| ctx.data_opt::<RequestCtx>())
            .is_some_and(|r| r.principal.kind != PrincipalKind::Anonymous);
        let allowed = match self.introspection {
            Introspection::On => true,
            Introspection::Authenticated => signed_in,
            Introspection::Off => false,
        };
        self.may_introspect.store(allowed, Ordering::SeqCst);
        if allowed {
            request
        } else {
            request.disable_introspection()
        }
    }

    /// After parsing: the introspection switch, and the bound on nested introspection lists;
    /// notes whether the document only introspects.
    pub(super) fn check_parsed(&self, doc: &ExecutableDocument) -> ServerResult<()> {
        let shape = Shape::of(doc);
        if shape.introspects && !self.may_introspect.load(Ordering::SeqCst) {
            let err = match self.introspection {
                Introspection::Authenticated => AppError::Unauthenticated(
                    "sign in to explore the schema: introspection is open to signed-in users and API tokens only".into(),
                ),
                _ => AppError::Forbidden("introspection is turned off on this server".into()),
            };
            let err = err.into_graphql();
            let mut refusal = ServerError::new(err.message, None);
            refusal.extensions = err.extensions;
            return Err(refusal);
        }
        if shape.introspection_lists >= MAX_INTROSPECTION_LISTS {
            return Err(limit_error(format!(
                "introspection nests {} lists of fields, input fields, interfaces or possible types; at most {} are allowed",
                shape.introspection_lists,
                MAX_INTROSPECTION_LISTS - 1
            )));
        }
        self.exempt
            .store(shape.introspection_only, Ordering::SeqCst);
        Ok(())
    }

    /// After validation: depth and complexity (introspection-only documents are exempt).
    pub(super) fn check_validated(
        &self,
        result: &ValidationResult,
    ) -> Result<(), Vec<ServerError>> {
        if self.exempt.load(Ordering::SeqCst) {
            return Ok(());
        }
        if result.depth > self.depth {
            return Err(vec![measured_error(
                "query depth",
                result.depth,
                self.depth,
            )]);
        }
        if result.complexity > self.complexity {
            return Err(vec![measured_error(
                "query complexity",
                result.complexity,
                self.complexity,
            )]);
        }
        Ok(())
    }
}

/// "query depth 14 exceeds the limit of 12", with both figures in `extensions`.
fn measured_error(what: &str, value: usize, limit: usize) -> ServerError {
    let mut err = limit_error(format!("{what} {value} exceeds the limit of {limit}"));
    if let Some(ext) = err.extensions.as_mut() {
        ext.set("limit", limit as u64);
        ext.set("value", value as u64);
    }
    err
}

fn limit_error(message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", "BAD_USER_INPUT");
    err.extensions = Some(ext);
    err
}

const INTROSPECTION_ROOTS: [&str; 2] = ["__schema", "__type"];
const INTROSPECTION_LISTS: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];

/// What a document does with introspection, read before validation.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// Some root selection is `__schema` or `__type`.
    introspects: bool,
    /// Every operation selects only `__schema`, `__type` and `__typename` at its root.
    introspection_only: bool,
    /// The deepest nesting of introspection lists under `__schema`/`__type`.
    introspection_lists: usize,
}

impl Shape {
    fn of(doc: &ExecutableDocument) -> Shape {
        let mut shape = Shape {
            introspection_only: true,
            ..Shape::default()
        };
        for (_, op) in doc.operations.iter() {
            shape.root(doc, &op.node.selection_set, &mut HashSet::new());
        }
        shape
    }

    /// Walks a root selection set (through fragments, each once per path).
    fn root<'a>(
        &mut self,
        doc: &'a ExecutableDocument,
        set: &'a Positioned<SelectionSet>,
        seen: &mut HashSet<&'a str>,
    ) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(f) => {
                    let name = f.node.name.node.as_str();
                    if INTROSPECTION_ROOTS.contains(&name) {
                        self.introspects = true;
                        let lists = lists_below(doc, &f.node.selection_set, 0, &mut HashSet::new());
                        self.introspection_lists = self.introspection_lists.max(lists);
                    } else if name != "__typename" {
                        self.introspection_only = false;
                    }
                }
                Selection::InlineFragment(f) => self.root(doc, &f.node.selection_set, seen),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node)
                        && seen.insert(name)
                    {
                        self.root(doc, &fragment.node.selection_set, seen);
                        seen.remove(name);
                    }
                }
            }
        }
    }
}

/// The deepest count of introspection list fields on any path below `set`.
fn lists_below<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    depth: usize,
    seen: &mut HashSet<&'a str>,
) -> usize {
    let mut deepest = depth;
    for item in &set.node.items {
        let below = match &item.node {
            Selection::Field(f) => {
                let here =
                    depth + usize::from(INTROSPECTION_LISTS.contains(&f.node.name.node.as_str()));
                lists_below(doc, &f.node.selection_set, here, seen)
            }
            Selection::InlineFragment(f) => lists_below(doc, &f.node.selection_set, depth, seen),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                match doc.fragments.get(&s.node.fragment_name.node) {
                    Some(fragment) if seen.insert(name) => {
                        let d = lists_below(doc, &fragment.node.selection_set, depth, seen);
                        seen.remove(name);
                        d
                    }
                    _ => depth,
                }
            }
        };
        deepest = deepest.max(below);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> Shape {
        Shape::of(&async_graphql::parser::parse_query(q).unwrap())
    }

    #[test]
    fn only_introspecting_operations_are_exempt() {
        let s = shape("query I { __schema { types { name } } __typename }");
        assert!(s.introspects && s.introspection_only);
        let s = shape("{ ...F } fragment F on Query { __type(name: \"Deal\") { name } }");
        assert!(s.introspects && s.introspection_only);
        let s = shape("{ __schema { types { name } } technologies { totalCount } }");
        assert!(s.introspects && !s.introspection_only);
        // Every operation of the document counts, whichever one is run.
        let s = shape("query A { __typename } query B { me { kind } }");
        assert!(!s.introspects && !s.introspection_only);
        let s = shape("{ ... on Query { deals { totalCount } } __schema { description } }");
        assert!(!s.introspection_only);
    }

    #[test]
    fn nested_introspection_lists_are_counted_through_fragments() {
        let s = shape("{ __schema { types { fields { type { name } } inputFields { name } } } }");
        assert_eq!(s.introspection_lists, 1);
        let s = shape(
            "{ __type(name: \"Query\") { ...T } } \
             fragment T on __Type { fields { type { fields { type { interfaces { name } } } } } }",
        );
        assert_eq!(s.introspection_lists, 3);
        // A fragment cycle (refused later by validation) does not loop here.
        let s = shape(
            "{ __schema { types { ...A } } } fragment A on __Type { fields { type { ...A } } }",
        );
        assert_eq!(s.introspection_lists, 1);
    }
}
