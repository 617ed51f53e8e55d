//! Institutions' e-mail domains: a user's address must lie in one of the domains their
//! institution has registered, and a domain belongs to at most one institution. Together these
//! make an e-mail uniqueness conflict concern only the caller's own people: an institution admin
//! probing another institution's address gets the same "not one of your domains" answer whether
//! or not the address exists.
//!
//! The invariant behind it — every user whose address lies in a registered domain belongs to the
//! institution that registered it — is kept on both sides: users are created only inside their
//! institution's domains, and a domain is registered only when no other institution's user has
//! an address in it. An institution with no domains registered cannot get new users until a
//! center admin registers some. Domains match exactly: `med.unibl.example` is a domain of its
//! own, not covered by `unibl.example`.

use std::collections::BTreeSet;

use chrono::Utc;
use entity::{institution, institution_email_domain, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{audit, txn, update_versioned},
};

/// The input field the domains are given in.
pub const FIELD: &str = "emailDomains";
/// At most this many domains per institution.
pub const MAX_DOMAINS: usize = 20;

/// A domain name, lower-cased: dot-separated labels of letters, digits and inner dashes (IDNs in
/// their `xn--` form), at least two labels, at most 253 characters.
pub fn check_domain(field: &str, domain: &str) -> AppResult<String> {
    let d = domain.trim().to_ascii_lowercase();
    if let Some(rest) = d.strip_prefix('@') {
        return Err(AppError::bad_input(
            field,
            format!("give the domain without the @, e.g. {rest}"),
        ));
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = d.split('.').collect();
    let ok = d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| label_ok(l))
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(d)
    } else {
        Err(AppError::bad_input(
            field,
            format!("{domain:?} is not a domain name like unibl.org"),
        ))
    }
}

/// The checked, de-duplicated, sorted list of `domains`.
pub fn check_domains(domains: &[String]) -> AppResult<Vec<String>> {
    let set = domains
        .iter()
        .map(|d| check_domain(FIELD, d))
        .collect::<AppResult<BTreeSet<String>>>()?;
    if set.len() > MAX_DOMAINS {
        return Err(AppError::bad_input(
            FIELD,
            format!("an institution registers at most {MAX_DOMAINS} e-mail domains"),
        ));
    }
    Ok(set.into_iter().collect())
}

/// The domain part of a (checked, lower-case) address.
fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The domains `institution` has registered, sorted.
pub async fn domains_of(db: &impl ConnectionTrait, institution: Uuid) -> AppResult<Vec<String>> {
    Ok(institution_email_domain::Entity::find()
        .filter(institution_email_domain::Column::InstitutionId.eq(institution))
        .order_by_asc(institution_email_domain::Column::Domain)
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.domain)
        .collect())
}

/// A new user's (checked, lower-case) `email` must lie in one of `institution`'s domains. The
/// answer depends only on the institution's own domains — never on whether the address is
/// taken — and the caller already administers that institution, so it may know its domains.
pub async fn ensure_email_allowed(
    db: &impl ConnectionTrait,
    institution: Uuid,
    email: &str,
) -> AppResult<()> {
    let domains = domains_of(db, institution).await?;
    if domains.is_empty() {
        return Err(AppError::bad_input(
            "email",
            "the institution has registered no e-mail domains yet: a center admin registers \
             them (setInstitutionEmailDomains) before its users are created",
        ));
    }
    if domains.iter().any(|d| d == domain_of(email)) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "email",
            format!(
                "use an address in one of the institution's e-mail domains: {}",
                domains.join(", ")
            ),
        ))
    }
}

/// Registers `added` for `institution` inside `txn`: refused (CONFLICT on `emailDomains`) when
/// another institution holds the domain or has users with addresses in it. Only center admins
/// get here, and they see every institution and user, so naming them leaks nothing.
async fn register(
    txn: &impl ConnectionTrait,
    institution: Uuid,
    added: &[String],
) -> AppResult<()> {
    if added.is_empty() {
        return Ok(());
    }
    let held = institution_email_domain::Entity::find()
        .filter(institution_email_domain::Column::Domain.is_in(added.iter().cloned()))
        .filter(institution_email_domain::Column::InstitutionId.ne(institution))
        .one(txn)
        .await?;
    if let Some(held) = held {
        let slug = institution::Entity::find_by_id(held.institution_id)
            .one(txn)
            .await?
            .map_or_else(String::new, |i| i.slug);
        return Err(AppError::Conflict {
            field: Some(FIELD.into()),
            message: format!(
                "{} is registered to another institution ({slug})",
                held.domain
            ),
        });
    }
    for domain in added {
        let elsewhere = user::Entity::find()
            // A checked domain holds no LIKE wildcard (`%`, `_`).
            .filter(Expr::col(user::Column::Email).like(format!("%@{domain}")))
            .filter(user::Column::InstitutionId.ne(institution))
            .count(txn)
            .await?;
        if elsewhere > 0 {
            return Err(AppError::Conflict {
                field: Some(FIELD.into()),
                message: format!(
                    "{elsewhere} user(s) of other institutions have addresses in {domain}: \
                     it cannot become this institution's"
                ),
            });
        }
    }
    let now = Utc::now();
    for domain in added {
        institution_email_domain::ActiveModel {
            id: Set(Uuid::now_v7()),
            institution_id: Set(institution),
            domain: Set(domain.clone()),
            created_at: Set(now),
        }
        .insert(txn)
        .await
        .map_err(|e| match AppError::from(e) {
            // Registered concurrently by another institution.
            AppError::Conflict { .. } => AppError::Conflict {
                field: Some(FIELD.into()),
                message: format!("{domain} is registered to another institution"),
            },
            other => other,
        })?;
    }
    Ok(())
}

/// Registers the domains of a new institution inside the transaction that creates it.
pub(crate) async fn register_new(
    txn: &impl ConnectionTrait,
    institution: Uuid,
    domains: &[String],
) -> AppResult<()> {
    register(txn, institution, domains).await
}

/// Replaces the e-mail domains of `institution` (center admins only). Users with addresses in a
/// removed domain keep them; new users need a registered one. With `expected_version`, a
/// concurrent change of the institution is a CONFLICT; either way its version moves on, which
/// also serialises concurrent changes of its domains.
pub async fn set(
    db: &DatabaseConnection,
    actor: &Principal,
    institution_id: Uuid,
    domains: &[String],
    expected_version: Option<i32>,
) -> AppResult<()> {
    policy::ensure_can_manage_institutions(actor)?;
    let domains = check_domains(domains)?;
    let txn = txn::begin_write(db).await?;
    let current =
        policy::find_visible::<institution::Entity>(&txn, actor, institution_id, "institution")
            .await?;
    update_versioned::<institution::Entity, _>(
        &txn,
        current.id,
        expected_version.unwrap_or(current.version),
        <institution::ActiveModel as Default>::default(),
    )
    .await?;
    let before = domains_of(&txn, current.id).await?;
    let added: Vec<String> = domains
        .iter()
        .filter(|d| !before.contains(d))
        .cloned()
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|d| !domains.contains(d))
        .cloned()
        .collect();
    if !removed.is_empty() {
        institution_email_domain::Entity::delete_many()
            .filter(institution_email_domain::Column::InstitutionId.eq(current.id))
            .filter(institution_email_domain::Column::Domain.is_in(removed.iter().cloned()))
            .exec(&txn)
            .await?;
    }
    register(&txn, current.id, &added).await?;
    audit::record(
        &txn,
        actor,
        Some(current.id),
        "institution.setEmailDomains",
        "Institution",
        current.id,
        json!({ "emailDomains": domains, "added": added, "removed": removed }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_cased_host_names() {
        assert_eq!(
            check_domain(FIELD, " UniBL.example ").unwrap(),
            "unibl.example"
        );
        assert_eq!(
            check_domain(FIELD, "med.sumhs.edu.cn").unwrap(),
            "med.sumhs.edu.cn"
        );
        assert_eq!(
            check_domain(FIELD, "xn--80ak6aa92e.com").unwrap(),
            "xn--80ak6aa92e.com"
        );
        for bad in [
            "",
            "unibl",
            "@unibl.example",
            "a@unibl.example",
            "uni bl.example",
            "-unibl.example",
            "unibl-.example",
            "unibl..example",
            ".unibl.example",
            "unibl.example.",
            "unibl_x.example",
            "10.0.0.1",
            "šabac.rs",
            &format!("{}.example", "a".repeat(64)),
        ] {
            let err = check_domain(FIELD, bad).unwrap_err();
            assert!(
                matches!(err, AppError::BadUserInput { ref field, .. } if field == FIELD),
                "{bad}"
            );
        }
        let err = check_domain(FIELD, "@unibl.example").unwrap_err();
        assert!(err.message().contains("without the @"), "{}", err.message());
    }

    #[test]
    fn a_list_is_deduplicated_sorted_and_bounded() {
        let list = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_domains(&list(&["b.example", "A.example", "a.example"])).unwrap(),
            list(&["a.example", "b.example"])
        );
        assert!(check_domains(&[]).unwrap().is_empty());
        let many: Vec<String> = (0..=MAX_DOMAINS).map(|i| format!("d{i}.example")).collect();
        assert!(check_domains(&many).is_err());
        assert!(check_domains(&many[..MAX_DOMAINS]).is_ok());
    }

    #[test]
    fn the_domain_of_an_address_is_after_its_last_at() {
        assert_eq!(domain_of("ana@unibl.example"), "unibl.example");
        assert_eq!(domain_of("no-at"), "");
    }
}
