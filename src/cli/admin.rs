//! `biobridge admin …`: the operator's way to the first institution and CENTER_ADMIN of a
//! production database (where there are no demo logins), and to retire demo logins from a
//! database that was seeded with them. Everything goes through the service layer as an
//! operator with center-admin rights, so the same rules and the audit trail apply.

use std::io::{BufRead, IsTerminal, Write};

use clap::Subcommand;
use entity::{enums::Role, institution, user};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};

use crate::{
    auth::{Principal, PrincipalKind},
    error::AppError,
    seed,
    service::{accounts, institution as institutions},
};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Admit an institution (the center itself first).
    CreateInstitution {
        /// Short lowercase identifier, e.g. `center`.
        #[arg(long)]
        slug: String,
        /// Official English name.
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country code, e.g. CN.
        #[arg(long)]
        country: String,
        /// YANGTZE_RIVER_DELTA, BALKAN_PENINSULA or OTHER.
        #[arg(long)]
        region: String,
        /// UNIVERSITY, HOSPITAL, RESEARCH_INSTITUTE, COMPANY or AGENCY.
        #[arg(long)]
        kind: String,
        /// APPLICANT, MEMBER, OBSERVER or SUSPENDED.
        #[arg(long, default_value = "MEMBER")]
        membership: String,
        /// Name in the local language.
        #[arg(long)]
        local_name: Option<String>,
        /// Web site (https://…).
        #[arg(long)]
        website: Option<String>,
        /// ROR id (Research Organization Registry), e.g. 03vek6s52 or https://ror.org/03vek6s52.
        #[arg(long)]
        ror_id: Option<String>,
        /// An e-mail domain its users' addresses lie in, e.g. `center.example`; repeat the flag
        /// for more. Users can be created only in a registered domain.
        #[arg(long = "email-domain", value_name = "DOMAIN")]
        email_domains: Vec<String>,
    },
    /// Replace the e-mail domains an institution's users' addresses lie in.
    SetEmailDomains {
        /// The institution's slug.
        #[arg(long)]
        institution: String,
        /// A domain, e.g. `unibl.org`; repeat the flag for more. None leaves the institution
        /// without domains (no new users).
        #[arg(long = "email-domain", value_name = "DOMAIN")]
        email_domains: Vec<String>,
    },
    /// Create a user. The password is read from the terminal (without echo) or, when stdin is
    /// not a terminal, as the first line of stdin — never from an argument.
    CreateUser {
        /// The institution's slug.
        #[arg(long)]
        institution: String,
        /// Login e-mail address.
        #[arg(long)]
        email: String,
        /// Name shown in the history.
        #[arg(long)]
        display_name: String,
        /// CENTER_ADMIN, INSTITUTION_ADMIN, MEMBER or ANALYST.
        #[arg(long)]
        role: String,
    },
    /// Disable the demo logins (admin@center.example and the others) so that the database may
    /// be served in production.
    DisableDemoLogins,
}

/// The operator acting through this command: a center admin of no institution.
fn operator() -> Principal {
    Principal {
        kind: PrincipalKind::User,
        role: Some(Role::CenterAdmin),
        ..Principal::anonymous()
    }
}

fn parse<E: ActiveEnum<Value = String>>(
    flag: &str,
    value: &str,
    allowed: &str,
) -> anyhow::Result<E> {
    E::try_from_value(&value.trim().to_uppercase())
        .map_err(|_| anyhow::anyhow!("--{flag} must be {allowed} (got {value:?})"))
}

/// An [`AppError`] as a message for the terminal.
fn explain(err: AppError) -> anyhow::Error {
    match &err {
        AppError::BadUserInput { field, message } => anyhow::anyhow!("{field}: {message}"),
        AppError::Conflict { message, .. } => anyhow::anyhow!("{message}"),
        AppError::Internal(cause) | AppError::Unavailable(cause) => {
            anyhow::anyhow!("{}: {cause:#}", err.message())
        }
        _ => anyhow::anyhow!("{}", err.message()),
    }
}

pub async fn run(db: &DatabaseConnection, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateInstitution {
            slug,
            name,
            country,
            region,
            kind,
            membership,
            local_name,
            website,
            email_domains,
            ror_id,
        } => {
            let input = institutions::NewInstitution {
                slug,
                name,
                local_name,
                country,
                region: parse(
                    "region",
                    &region,
                    "YANGTZE_RIVER_DELTA, BALKAN_PENINSULA or OTHER",
                )?,
                kind: parse(
                    "kind",
                    &kind,
                    "UNIVERSITY, HOSPITAL, RESEARCH_INSTITUTE, COMPANY or AGENCY",
                )?,
                membership: parse(
                    "membership",
                    &membership,
                    "APPLICANT, MEMBER, OBSERVER or SUSPENDED",
                )?,
                joined_on: None,
                website,
                ror_id,
                inventor_share_bp: 5000,
                email_domains,
            };
            let slug = input.slug.clone();
            let id = institutions::create(db, &operator(), input)
                .await
                .map_err(explain)?
                .id;
            println!("created institution {slug} ({id})");
            Ok(())
        }
        AdminCommand::SetEmailDomains {
            institution: slug,
            email_domains,
        } => {
            let inst = institution_by_slug(db, &slug).await?;
            crate::service::email_domains::set(db, &operator(), inst.id, &email_domains, None)
                .await
                .map_err(explain)?;
            let now = crate::service::email_domains::domains_of(db, inst.id)
                .await
                .map_err(explain)?;
            println!("{slug}: e-mail domains {}", now.join(", "));
            Ok(())
        }
        AdminCommand::CreateUser {
            institution: slug,
            email,
            display_name,
            role,
        } => {
            let role: Role = parse(
                "role",
                &role,
                "CENTER_ADMIN, INSTITUTION_ADMIN, MEMBER or ANALYST",
            )?;
            let inst = institution_by_slug(db, &slug).await?;
            let password = read_password()?;
            // One hash at the operator's terminal: the default slots are plenty.
            let limits = crate::auth::login_limits::LoginLimits::from_config(
                &crate::config::Config::default(),
            );
            let id = accounts::create_user(
                db,
                &operator(),
                &limits,
                accounts::NewUser {
                    institution: Some(inst.id),
                    email: email.clone(),
                    display_name,
                    role,
                    password,
                },
            )
            .await
            .map_err(explain)?
            .id;
            println!("created user {email} ({id}) with role {}", role.to_value());
            Ok(())
        }
        AdminCommand::DisableDemoLogins => {
            let n = disable_demo_logins(db).await?;
            println!("disabled {n} demo login(s)");
            Ok(())
        }
    }
}

async fn institution_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> anyhow::Result<institution::Model> {
    institution::Entity::find()
        .filter(institution::Column::Slug.eq(slug.to_lowercase()))
        .one(db)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no institution with slug {slug:?}: create it first with `biobridge admin create-institution`"
            )
        })
}

/// The demo logins that can still log in.
pub async fn enabled_demo_logins(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let emails = seed::DEMO_LOGINS.iter().map(|(email, _)| *email);
    Ok(user::Entity::find()
        .filter(user::Column::Email.is_in(emails))
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect())
}

async fn disable_demo_logins(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let emails = enabled_demo_logins(db).await?;
    let now = chrono::Utc::now();
    for found in user::Entity::find()
        .filter(user::Column::Email.is_in(emails.iter().map(String::as_str)))
        .all(db)
        .await?
    {
        let version = found.version;
        let mut row: user::ActiveModel = found.into();
        row.disabled_at = Set(Some(now));
        row.updated_at = Set(now);
        row.version = Set(version + 1);
        row.update(db).await?;
    }
    Ok(emails.len())
}

/// The new user's password: typed at a terminal without echo, or the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let line = if interactive {
        eprint!(
            "Password (at least {} characters): ",
            accounts::MIN_PASSWORD_CHARS
        );
        let _ = std::io::stderr().flush();
        let echo_off = std::process::Command::new("stty")
            .arg("-echo")
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success());
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        if echo_off {
            let _ = std::process::Command::new("stty")
                .arg("echo")
                .stdin(std::process::Stdio::inherit())
                .status();
        }
        eprintln!();
        read?;
        line
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line
    };
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        anyhow::bail!("no password given: type it at the prompt or pipe it on stdin");
    }
    Ok(password)
}
