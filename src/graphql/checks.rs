//! The checks every operation passes before it runs, as the schema's one extension, in this
//! order:
//!
//! 1. before parsing: who may introspect ([`limits`]);
//! 2. after parsing: the introspection switch and its nesting bound ([`limits`]), input without
//!    NUL characters and without directives on variables ([`input_guard`]), the alias limit,
//!    and which operations an anonymous caller may not run because they change data (here);
//! 3. after validation: depth and complexity ([`limits`]), then the cost charged to the
//!    caller's rate limit ([`rate_limit`]) — a query over the limits is refused before it is
//!    charged;
//! 4. before execution: an anonymous change is refused (here).
//!
//! Validation itself is skipped for a query text, operation and variables an earlier request
//! had validated ([`DocumentCache`]; over HTTP the text comes parsed through the same cache);
//! every check above still runs for every request.
//!
//! One extension, not one per check: async-graphql passed every field of every request through
//! each extension's `resolve` hook (a boxed future per extension and field, and a `ResolveInfo`
//! built per field), whether or not the extension implemented it. With four extensions that was
//! about a sixth of the server's CPU on a nested query; with one, and async-graphql patched to
//! skip the chain for extensions that say they do not resolve (see `resolves_fields` below),
//! there is none.

use std::sync::{Arc, Mutex, atomic::Ordering};

use async_graphql::{
    Pos, Positioned, Request, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
        NextPrepareRequest, NextValidation,
    },
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
};

use super::{
    Executed, RequestCtx,
    document_cache::{self, DocumentCache},
    input_guard, limits, rate_limit,
};

/// The extension's configuration.
pub(super) struct OperationChecks {
    pub max_aliases: usize,
    pub limits: limits::OperationLimits,
    /// Shared by the schema's requests.
    pub documents: Arc<DocumentCache>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ExtensionFactory for OperationChecks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Checks {
            max_aliases: self.max_aliases,
            anonymous_changes: Mutex::new(Vec::new()),
            limits: self.limits.for_request(),
            documents: self.documents.clone(),
            query: Mutex::new(None),
            operation: Mutex::new(None),
        })
    }
}

/// One request's checks (async-graphql creates extensions per request).
struct Checks {
    max_aliases: usize,
    /// For an anonymous request: the operations of its document (by name) that would change
    /// data, and where. Found once per document, so no field of any request pays for the check.
    anonymous_changes: Mutex<Vec<(Option<String>, Pos)>>,
    limits: limits::RequestLimits,
    /// Documents parsed and validated by earlier requests, shared by all.
    documents: Arc<DocumentCache>,
    /// This request's query text, once parsed (or found parsed).
    query: Mutex<Option<String>>,
    /// Its operation and variables, when short enough to key a kept validation.
    operation: Mutex<Option<document_cache::Operation>>,
}

#[async_trait::async_trait]
impl Extension for Checks {
    /// No hook on each field's resolution (`resolve` is not overridden), so that async-graphql
    /// resolves fields without building a `ResolveInfo` and calling the extension chain for
    /// each — 18 % of the server's instructions on the nested benchmark query (10.4 → 8.5 M
    /// on PostgreSQL, callgrind). Return `true` again if this ever overrides `resolve`, or it
    /// is never called.
    fn resolves_fields(&self) -> bool {
        false
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = self.limits.prepare(ctx, request);
        *lock(&self.operation) =
            document_cache::Operation::of(request.operation_name.as_deref(), &request.variables);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // Over HTTP the document comes parsed (and kept) by the HTTP layer.
        let doc = next.run(ctx, query, variables).await?;
        *lock(&self.query) = Some(query.to_owned());
        self.limits.check_parsed(&doc)?;
        input_guard::check(variables, &doc)?;
        self.check_aliases_and_changes(ctx, &doc)?;
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let query = lock(&self.query).take();
        let operation = lock(&self.operation).take();
        let kept = match (&query, &operation) {
            (Some(q), Some(op)) => self.documents.validation(q, op),
            _ => None,
        };
        let result = match kept {
            Some(result) => result,
            None => {
                let result = next.run(ctx).await?;
                if let (Some(q), Some(op)) = (query, operation) {
                    self.documents.keep_validation(&q, op, result);
                }
                result
            }
        };
        self.limits.check_validated(&result)?;
        rate_limit::charge(ctx, &result)?;
        Ok(result)
    }

    /// Every mutation but `login` (and accepting a licensee invitation) needs an authenticated
    /// viewer; refusing the operation before it runs also keeps anonymous callers from probing
    /// which ids exist.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(flag) = ctx.data_opt::<Executed>() {
            flag.0.store(true, Ordering::SeqCst);
        }
        // Past validation there is exactly one operation when no name is given.
        let refused = self
            .anonymous_changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(name, _)| operation_name.is_none_or(|n| name.as_deref() == Some(n)))
            .map(|(_, pos)| *pos);
        if let Some(pos) = refused {
            let err = crate::error::AppError::Unauthenticated("log in to make changes".into())
                .into_graphql();
            return async_graphql::Response::from_errors(vec![err.into_server_error(pos)]);
        }
        next.run(ctx, operation_name).await
    }
}

impl Checks {
    /// The alias limit; for an anonymous caller, notes the operations that would change data.
    fn check_aliases_and_changes(
        &self,
        ctx: &ExtensionContext<'_>,
        doc: &ExecutableDocument,
    ) -> ServerResult<()> {
        let aliases = count_aliases(doc);
        if aliases > self.max_aliases {
            return Err(ServerError::new(
                format!(
                    "the query uses {aliases} aliases; at most {} are allowed",
                    self.max_aliases
                ),
                None,
            ));
        }
        if ctx
            .data_opt::<RequestCtx>()
            .is_some_and(|req| req.principal.kind == crate::auth::PrincipalKind::Anonymous)
        {
            let changes = doc
                .operations
                .iter()
                .filter(|(_, op)| op.node.ty == OperationType::Mutation)
                .filter_map(|(name, op)| {
                    changing_field(doc, &op.node.selection_set, 0)
                        .map(|pos| (name.map(|n| n.to_string()), pos))
                })
                .collect();
            *self
                .anonymous_changes
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = changes;
        }
        Ok(())
    }
}

/// Where `set` (a mutation's root selection) selects a field that changes data — any but
/// `login`, `acceptLicenseeInvitation` and `__typename` —, following fragments (to a bounded depth: the document is not
/// validated yet, so its fragments may cycle).
fn changing_field(
    doc: &ExecutableDocument,
    set: &Positioned<SelectionSet>,
    depth: usize,
) -> Option<Pos> {
    if depth > 16 {
        return Some(set.pos);
    }
    set.node.items.iter().find_map(|item| match &item.node {
        Selection::Field(f) => {
            let name = f.node.name.node.as_str();
            // `acceptLicenseeInvitation` is authorised by its one-time token.
            let open = matches!(name, "login" | "acceptLicenseeInvitation" | "__typename");
            (!open).then_some(f.pos)
        }
        Selection::InlineFragment(f) => changing_field(doc, &f.node.selection_set, depth + 1),
        Selection::FragmentSpread(spread) => doc
            .fragments
            .get(&spread.node.fragment_name.node)
            .and_then(|f| changing_field(doc, &f.node.selection_set, depth + 1)),
    })
}

fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn in_set(set: &Positioned<SelectionSet>) -> usize {
        set.node
            .items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + in_set(&f.node.selection_set)
                }
                Selection::InlineFragment(f) => in_set(&f.node.selection_set),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| in_set(&op.node.selection_set))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| in_set(&f.node.selection_set))
        .sum();
    operations + fragments
}
