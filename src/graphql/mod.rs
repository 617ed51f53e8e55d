//! The GraphQL API: schema assembly, per-request context and the limits the schema enforces.
//! One module per domain area; resolvers translate and delegate, visibility lives in `policy`.

pub mod account;
pub mod agreement;
pub mod connection;
pub mod deal;
pub mod ids;
pub mod input_guard;
pub mod institution;
pub mod ip;
pub mod licensee;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod money;
pub mod node;
pub mod payload;
pub mod person;
pub mod rate_limit;
pub mod scalars;
pub mod statistics;
pub mod technology;
pub mod training;
pub mod venture;
pub mod webhook;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    Context, MergedObject, Pos, Positioned, Request, Response, Schema, ServerError, ServerResult,
    Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Principal,
    config::{Config, Introspection},
};

pub use loaders::Loaders;

/// The root query type.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    account::viewer::ViewerQuery,
    institution::InstitutionQuery,
    technology::TechnologyQuery,
    deal::query::DealQuery,
    deal::reports::RoyaltyReportQuery,
    account::user::UserQuery,
    account::token::ApiTokenQuery,
    account::calendar_feed::CalendarFeedQuery,
    account::audit::AuditQuery,
    ip::query::IpQuery,
    person::query::PersonQuery,
    venture::query::VentureQuery,
    training::query::TrainingQuery,
    agreement::query::AgreementQuery,
    rate_limit::RateLimitQuery,
    statistics::StatisticsQuery,
    statistics::ExchangeRateQuery,
    webhook::WebhookQuery,
);

/// The root mutation type.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    technology::mutation::TechnologyMutation,
    deal::mutation::DealMutation,
    deal::terms::DealTermsMutation,
    account::AccountMutation,
    account::token::ApiTokenMutation,
    account::calendar_feed::CalendarFeedMutation,
    licensee::LicenseeMutation,
    ip::mutation::IpMutation,
    ip::consent::IpConsentMutation,
    ip::docket::DocketMutation,
    ip::responsible::ResponsibleMutation,
    ip::security_review::SecurityReviewMutation,
    ip::costs::IpCostMutation,
    person::mutation::PersonMutation,
    venture::mutation::VentureMutation,
    venture::equity::VentureEquityMutation,
    training::mutation::TrainingMutation,
    agreement::mutation::AgreementMutation,
    institution::mutation::InstitutionMutation,
    institution::distribution::DistributionPolicyMutation,
    statistics::StatisticsMutation,
    webhook::mutation::WebhookMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, live::SubscriptionRoot>;

/// What every resolver may need about the current request.
pub struct RequestCtx {
    pub db: DatabaseConnection,
    pub principal: Arc<Principal>,
    pub loaders: Loaders,
}

impl RequestCtx {
    pub fn new(db: DatabaseConnection, principal: Principal) -> Self {
        let principal = Arc::new(principal);
        RequestCtx {
            loaders: Loaders::new(db.clone(), principal.clone()),
            db,
            principal,
        }
    }

    /// Executes `request` with this context, sending the loaders' batches whenever the execution
    /// waits for them (see `loaders::batch`).
    pub async fn execute(self, schema: &AppSchema, request: Request) -> Response {
        let scheduler = self.loaders.scheduler().clone();
        scheduler.drive(schema.execute(request.data(self))).await
    }
}

/// The request context; the HTTP layer always attaches one.
pub fn request<'a>(ctx: &Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

/// Limits from configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub depth: usize,
    pub complexity: usize,
    pub aliases: usize,
}

impl Limits {
    pub fn from_config(c: &Config) -> Self {
        Limits {
            depth: c.max_depth,
            complexity: c.max_complexity,
            aliases: c.max_aliases,
        }
    }
}

/// The schema with introspection open to everyone (dev mode, tests).
pub fn build_schema(limits: Limits) -> AppSchema {
    build_schema_with(limits, Introspection::On)
}

/// The schema as configured: `limits`, and who may introspect; field suggestions ("Did you
/// mean …") are given only where introspection is open to everyone.
pub fn build_schema_with(limits: Limits, introspection: Introspection) -> AppSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        live::SubscriptionRoot,
    )
    .limit_recursive_depth(64)
    .limit_directives(16)
    .extension(Guards {
        max_aliases: limits.aliases,
    })
    .extension(rate_limit::ChargeCost)
    .extension(input_guard::InputGuard)
    // Registered last, so innermost: a query over the limits is refused before it is charged.
    .extension(limits::OperationLimits {
        depth: limits.depth,
        complexity: limits.complexity,
        introspection,
    });
    if introspection == Introspection::On {
        builder.finish()
    } else {
        builder.disable_suggestions().finish()
    }
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(Limits {
        depth: 1,
        complexity: 1,
        aliases: 1,
    })
    .sdl()
}

/// Set by the HTTP layer per request; flips to true when execution starts, so the handler can
/// tell a request that failed before execution (parse, validation, limits) from one that ran.
#[derive(Clone, Default)]
pub struct Executed(pub Arc<AtomicBool>);

impl Executed {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

struct Guards {
    max_aliases: usize,
}

impl ExtensionFactory for Guards {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardsExt {
            max_aliases: self.max_aliases,
            anonymous_changes: Mutex::new(Vec::new()),
        })
    }
}

/// One request's guards.
struct GuardsExt {
    max_aliases: usize,
    /// For an anonymous request: the operations of its document (by name) that would change
    /// data, and where. Found once per document, so no field of any request pays for the check.
    anonymous_changes: Mutex<Vec<(Option<String>, Pos)>>,
}

#[async_trait::async_trait]
impl Extension for GuardsExt {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&doc);
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
                    changing_field(&doc, &op.node.selection_set, 0)
                        .map(|pos| (name.map(|n| n.to_string()), pos))
                })
                .collect();
            *self
                .anonymous_changes
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = changes;
        }
        Ok(doc)
    }

    /// Every mutation but `login` (and accepting a licensee invitation) needs an authenticated viewer; refusing the operation before
    /// it runs also keeps anonymous callers from probing which ids exist.
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
