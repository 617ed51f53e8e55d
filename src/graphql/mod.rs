//! The GraphQL API: schema assembly, per-request context and the limits the schema enforces.
//! One module per domain area; resolvers translate and delegate, visibility lives in `policy`.

pub mod account;
pub mod agreement;
pub mod connection;
pub mod deal;
pub mod ids;
pub mod institution;
pub mod ip;
pub mod live;
pub mod loaders;
pub mod money;
pub mod node;
pub mod payload;
pub mod person;
pub mod scalars;
pub mod technology;
pub mod training;
pub mod venture;

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_graphql::{
    Context, MergedObject, Positioned, Schema, ServerError, ServerResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
        ResolveInfo,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use sea_orm::DatabaseConnection;

use crate::{auth::Principal, config::Config};

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
    account::user::UserQuery,
    account::token::ApiTokenQuery,
    account::audit::AuditQuery,
    ip::query::IpQuery,
    person::query::PersonQuery,
    venture::query::VentureQuery,
    training::query::TrainingQuery,
    agreement::query::AgreementQuery,
);

/// The root mutation type.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    technology::mutation::TechnologyMutation,
    deal::mutation::DealMutation,
    account::AccountMutation,
    account::token::ApiTokenMutation,
    ip::mutation::IpMutation,
    person::mutation::PersonMutation,
    venture::mutation::VentureMutation,
    training::mutation::TrainingMutation,
    agreement::mutation::AgreementMutation,
    institution::mutation::InstitutionMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, live::SubscriptionRoot>;

/// What every resolver may need about the current request.
pub struct RequestCtx {
    pub db: DatabaseConnection,
    pub principal: Arc<Principal>,
    pub loaders: Loaders,
}

impl RequestCtx {
    /// `batch_window`: how long a DataLoader collects keys before it queries (see `Loaders`).
    pub fn new(
        db: DatabaseConnection,
        principal: Principal,
        batch_window: std::time::Duration,
    ) -> Self {
        let principal = Arc::new(principal);
        RequestCtx {
            loaders: Loaders::new(db.clone(), principal.clone(), batch_window),
            db,
            principal,
        }
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

pub fn build_schema(limits: Limits) -> AppSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        live::SubscriptionRoot,
    )
    .limit_depth(limits.depth)
    .limit_complexity(limits.complexity)
    .limit_recursive_depth(64)
    .limit_directives(16)
    .extension(Guards {
        max_aliases: limits.aliases,
    })
    .finish()
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
        })
    }
}

struct GuardsExt {
    max_aliases: usize,
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
        Ok(doc)
    }

    /// Every mutation but `login` needs an authenticated viewer; refusing here, before any
    /// look-up, also keeps anonymous callers from probing which ids exist.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<async_graphql::Value>> {
        if info.parent_type == "Mutation"
            && info.name != "login"
            && let Some(req) = ctx.data_opt::<RequestCtx>()
            && req.principal.kind == crate::auth::PrincipalKind::Anonymous
        {
            let err = crate::error::AppError::Unauthenticated("log in to make changes".into())
                .into_graphql();
            return Err(err.into_server_error(info.field.name.pos));
        }
        next.run(ctx, info).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(flag) = ctx.data_opt::<Executed>() {
            flag.0.store(true, Ordering::SeqCst);
        }
        next.run(ctx, operation_name).await
    }
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
