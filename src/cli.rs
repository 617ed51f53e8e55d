//! The `biobridge` command line: serve (default), migrate, schema, seed-demo, token, admin.

mod admin;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};
use entity::{enums::Role, institution};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    config::{Config, LogFormat},
    db,
    http::{self, AppState},
    seed,
};

#[derive(Parser)]
#[command(
    name = "biobridge",
    version,
    about = "BioBridge: the GraphQL API of the Yangtze River Delta – Balkan biomedical technology-transfer center"
)]
struct Cli {
    /// Configuration file (default: ./biobridge.toml when present). Environment variables override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed demo data into an empty dev database, and serve the API (the default).
    Serve,
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Print the GraphQL SDL (identical to schema.graphql) to stdout.
    Schema,
    /// Load the demo data into an empty database.
    SeedDemo,
    /// Print a signed access token (an operator's tool; needs the configured secret).
    Token {
        /// The institution's slug, e.g. `unibl`.
        #[arg(long)]
        institution: String,
        /// CENTER_ADMIN, INSTITUTION_ADMIN, MEMBER or ANALYST.
        #[arg(long)]
        role: String,
        /// Lifetime, e.g. `30m`, `1h`, `7d`.
        #[arg(long, default_value = "1h")]
        ttl: String,
    },
    /// Operator tasks: the first institution and admin of a production database.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
}

#[derive(Subcommand, Clone, Copy)]
enum MigrateAction {
    /// Apply all pending migrations (the default).
    Up,
    /// Roll back migrations: the last one, `--steps N`, or `--all`.
    Down {
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        #[arg(long)]
        all: bool,
    },
    /// List applied and pending migrations.
    Status,
    /// Drop everything and migrate from scratch.
    Fresh,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        // No configuration, database or logging needed: stdout is the SDL only.
        print!("{}", crate::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("biobridge: {err:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("biobridge: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, cli.command.unwrap_or(Command::Serve))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("biobridge: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn run(mut config: Config, command: Command) -> anyhow::Result<()> {
    config.resolve_jwt_secret()?;
    match command {
        Command::Serve => serve(config).await,
        Command::Schema => unreachable!("handled before configuration is loaded"),
        Command::Migrate { action } => {
            let db =
                db::connect_with_timeout(&config.database_url, config.db_acquire_timeout()).await?;
            match action.unwrap_or(MigrateAction::Up) {
                MigrateAction::Up => Migrator::up(&db, None).await?,
                MigrateAction::Down { all: true, .. } => Migrator::down(&db, None).await?,
                MigrateAction::Down { steps, .. } => Migrator::down(&db, Some(steps)).await?,
                MigrateAction::Status => Migrator::status(&db).await?,
                MigrateAction::Fresh => {
                    if config.is_production() {
                        anyhow::bail!(
                            "`migrate fresh` drops every table; it is refused in production"
                        );
                    }
                    Migrator::fresh(&db).await?
                }
            }
            Ok(())
        }
        Command::SeedDemo => {
            if config.is_production() {
                anyhow::bail!("demo data is never loaded in production");
            }
            let db =
                db::connect_with_timeout(&config.database_url, config.db_acquire_timeout()).await?;
            db::migrate_up(&db).await?;
            if seed::seed_demo_if_empty(&db).await? {
                eprintln!("demo data loaded");
            } else {
                eprintln!("the database already holds institutions; demo data not loaded");
            }
            Ok(())
        }
        Command::Admin { command } => {
            let db =
                db::connect_with_timeout(&config.database_url, config.db_acquire_timeout()).await?;
            db::migrate_up(&db).await?;
            admin::run(&db, command).await
        }
        Command::Token {
            institution: slug,
            role,
            ttl,
        } => {
            let role =
                <Role as ActiveEnum>::try_from_value(&role.to_uppercase()).map_err(|_| {
                    anyhow::anyhow!(
                        "--role must be CENTER_ADMIN, INSTITUTION_ADMIN, MEMBER or ANALYST"
                    )
                })?;
            let ttl: Duration = humantime::parse_duration(&ttl).map_err(|e| {
                anyhow::anyhow!("--ttl {ttl:?} is not a duration like 30m, 1h or 7d: {e}")
            })?;
            let db =
                db::connect_with_timeout(&config.database_url, config.db_acquire_timeout()).await?;
            let inst = institution::Entity::find()
                .filter(institution::Column::Slug.eq(&slug))
                .one(&db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no institution with slug {slug:?}"))?;
            let keys = crate::auth::jwt::JwtKeys::from_config(&config)?;
            let (token, _) = keys.issue("operator", inst.id, &role.to_value(), "", ttl)?;
            println!("{token}");
            Ok(())
        }
    }
}

/// When the docket's periodic jobs first run after start, and how often after that.
const JOBS_FIRST_RUN_AFTER: std::time::Duration = std::time::Duration::from_secs(5);
const JOBS_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

async fn serve(config: Config) -> anyhow::Result<()> {
    let addr = config.listen_addr()?;
    let db = db::connect_with_timeout(&config.database_url, config.db_acquire_timeout()).await?;
    db::migrate_up(&db).await?;
    if config.is_production() {
        let demo = admin::enabled_demo_logins(&db).await?;
        if !demo.is_empty() {
            anyhow::bail!(
                "refusing to serve in production: the database holds the demo logins {} (password `{}`, known to anyone who read the README). Disable them with `biobridge admin disable-demo-logins`, or start from an empty database and create the first admin with `biobridge admin create-institution` and `biobridge admin create-user --role CENTER_ADMIN`",
                demo.join(", "),
                seed::DEMO_PASSWORD
            );
        }
        tracing::info!("production mode: demo data is never created");
    } else if config.seed_demo && seed::seed_demo_if_empty(&db).await? {
        tracing::info!("empty database: demo data loaded");
    }
    let reminder_lead_days = config.reminder_lead_days.clone();
    let state = AppState::new(config, db.clone())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e} (set BIOBRIDGE_LISTEN)"))?;
    // The docket's jobs, first a few seconds after the server listens (not in the way of its
    // first requests and readiness probe), then hourly.
    // Waived fees end their rights the day after the grace period.
    tokio::spawn(crate::service::docket::lapse_periodically(
        db.clone(),
        JOBS_FIRST_RUN_AFTER,
        JOBS_EVERY,
    ));
    // Deadlines' reminders, each sent once when it comes due.
    tokio::spawn(crate::service::docket_reminders::remind_periodically(
        db,
        reminder_lead_days,
        JOBS_FIRST_RUN_AFTER,
        JOBS_EVERY,
    ));
    let local = listener.local_addr()?;
    tracing::info!(%local, "BioBridge is listening");
    if state.config.graphiql() {
        eprintln!("\n  GraphiQL:  http://{local}/graphql");
    } else {
        eprintln!("\n  GraphQL:   http://{local}/graphql (GraphiQL off: BIOBRIDGE_GRAPHIQL)");
    }
    if !state.config.is_production() {
        eprintln!("  Demo logins (password `{}`):", seed::DEMO_PASSWORD);
        for (email, role) in seed::DEMO_LOGINS {
            eprintln!("    {email:<26} {role}");
        }
    }
    eprintln!();
    let limits = http::ConnectionLimits::from_config(&state.config);
    http::serve(listener, http::router(state), limits).await?;
    Ok(())
}
