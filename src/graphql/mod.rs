//! The GraphQL API: schema assembly, per-request context and the limits the schema enforces.
//! One module per domain area; resolvers translate and delegate, visibility lives in `policy`.

pub mod account;
pub mod agreement;
mod checks;
pub mod connection;
pub mod deal;
pub mod document_cache;
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
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{Context, MergedObject, Request, Response, Schema};
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
    build_schema_sharing(limits, introspection, Default::default())
}

/// [`build_schema_with`], validating with `documents`, which the HTTP layer parses through.
pub fn build_schema_sharing(
    limits: Limits,
    introspection: Introspection,
    documents: std::sync::Arc<document_cache::DocumentCache>,
) -> AppSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        live::SubscriptionRoot,
    )
    .limit_recursive_depth(64)
    .limit_directives(16)
    // One extension for every check (see `checks`), with the documents it parsed and validated.
    .extension(checks::OperationChecks {
        documents,
        max_aliases: limits.aliases,
        limits: limits::OperationLimits {
            depth: limits.depth,
            complexity: limits.complexity,
            introspection,
        },
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
