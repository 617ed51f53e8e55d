//! Institutions: admission of new partners, their details and their membership, managed by
//! the center's administrators (see `policy::ensure_can_manage_institutions`).
//!
//! Slugs are `^[a-z0-9-]{2,32}$`; countries are ISO 3166-1 alpha-2 codes (plus `XK`, the code
//! in common use for Kosovo); the inventors' share of income is 0–10000 basis points; a ROR id
//! is checked by its check digits ([`ror`]) and names one institution only. When an
//! institution becomes a MEMBER without a `joinedOn`, it joins today.

use chrono::{NaiveDate, Utc};
use entity::{
    enums::{InstitutionKind, Membership, Region},
    institution,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{audit, email_domains, ror, text, txn, update_versioned},
};

/// A new institution.
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub slug: String,
    pub name: String,
    pub local_name: Option<String>,
    pub country: String,
    pub region: Region,
    pub kind: InstitutionKind,
    pub membership: Membership,
    pub joined_on: Option<NaiveDate>,
    pub website: Option<String>,
    /// ROR id in any form `ror::check` accepts.
    pub ror_id: Option<String>,
    pub inventor_share_bp: i32,
    /// The e-mail domains its users' addresses lie in (see `email_domains`).
    pub email_domains: Vec<String>,
}

/// Changes to an institution; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct InstitutionChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub local_name: Option<Option<String>>,
    pub country: Option<String>,
    pub region: Option<Region>,
    pub kind: Option<InstitutionKind>,
    pub membership: Option<Membership>,
    pub joined_on: Option<Option<NaiveDate>>,
    pub website: Option<Option<String>>,
    pub ror_id: Option<Option<String>>,
    pub inventor_share_bp: Option<i32>,
}

/// A slug: 2–32 lower-case letters, digits and dashes.
pub fn check_slug(slug: &str) -> AppResult<String> {
    let s = slug.trim();
    let ok = (2..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(AppError::bad_input(
            "slug",
            "use 2 to 32 lower-case letters, digits and dashes, e.g. unibl",
        ))
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-cased.
pub fn check_country(country: &str) -> AppResult<String> {
    text::country("country", country)
}

/// An optional ROR id: blank is none, anything else must be one ([`ror::check`]).
fn check_ror(ror_id: Option<&str>) -> AppResult<Option<String>> {
    match ror_id.map(str::trim) {
        None | Some("") => Ok(None),
        Some(id) => ror::check("rorId", id).map(Some),
    }
}

fn check_share(bp: i32) -> AppResult<()> {
    if (0..=10_000).contains(&bp) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "inventorShareBasisPoints",
            "the inventors' share is 0 to 10000 basis points",
        ))
    }
}

/// A website: an http(s) URL with a host, at most 300 characters.
fn check_website(website: Option<&str>) -> AppResult<Option<String>> {
    let Some(w) = text::optional("website", website, 300)? else {
        return Ok(None);
    };
    let host = w
        .strip_prefix("https://")
        .or_else(|| w.strip_prefix("http://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if h.contains('.') && !h.contains(char::is_whitespace) => Ok(Some(w)),
        _ => Err(AppError::bad_input(
            "website",
            "use an http(s) address, e.g. https://www.unibl.org",
        )),
    }
}

/// Admits a new institution (center admins only).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewInstitution,
) -> AppResult<crate::service::txn::Written<entity::institution::Model>> {
    policy::ensure_can_manage_institutions(actor)?;
    let slug = check_slug(&input.slug)?;
    let name = text::required("name", &input.name, 300)?;
    let local_name = text::optional("localName", input.local_name.as_deref(), 300)?;
    let country = check_country(&input.country)?;
    let website = check_website(input.website.as_deref())?;
    let ror_id = check_ror(input.ror_id.as_deref())?;
    check_share(input.inventor_share_bp)?;
    let email_domains = email_domains::check_domains(&input.email_domains)?;
    let joined_on = input
        .joined_on
        .or_else(|| (input.membership == Membership::Member).then(|| Utc::now().date_naive()));
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = txn::begin_write(db).await?;
    institution::ActiveModel {
        id: Set(id),
        slug: Set(slug.clone()),
        name: Set(name.clone()),
        local_name: Set(local_name),
        country: Set(country.clone()),
        region: Set(input.region),
        kind: Set(input.kind),
        membership: Set(input.membership),
        joined_on: Set(joined_on),
        website: Set(website),
        ror_id: Set(ror_id.clone()),
        inventor_share_bp: Set(input.inventor_share_bp),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    email_domains::register_new(&txn, id, &email_domains).await?;
    audit::record(
        &txn,
        actor,
        Some(id),
        "institution.create",
        "Institution",
        id,
        json!({
            "slug": slug, "name": name, "country": country, "region": input.region,
            "kind": input.kind, "membership": input.membership, "rorId": ror_id,
            "inventorShareBasisPoints": input.inventor_share_bp,
            "emailDomains": email_domains,
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::institution::Entity>(txn, actor, id).await
}

/// Edits an institution, its membership included (center admins only).
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: InstitutionChanges,
) -> AppResult<()> {
    policy::ensure_can_manage_institutions(actor)?;
    let mut am = <institution::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if let Some(s) = &changes.slug {
        let s = check_slug(s)?;
        log.insert("slug".into(), json!(s));
        am.slug = Set(s);
    }
    if let Some(n) = &changes.name {
        let n = text::required("name", n, 300)?;
        log.insert("name".into(), json!(n));
        am.name = Set(n);
    }
    if let Some(l) = &changes.local_name {
        let l = text::optional("localName", l.as_deref(), 300)?;
        log.insert("localName".into(), json!(l));
        am.local_name = Set(l);
    }
    if let Some(c) = &changes.country {
        let c = check_country(c)?;
        log.insert("country".into(), json!(c));
        am.country = Set(c);
    }
    if let Some(r) = changes.region {
        log.insert("region".into(), json!(r));
        am.region = Set(r);
    }
    if let Some(k) = changes.kind {
        log.insert("kind".into(), json!(k));
        am.kind = Set(k);
    }
    if let Some(w) = &changes.website {
        let w = check_website(w.as_deref())?;
        log.insert("website".into(), json!(w));
        am.website = Set(w);
    }
    if let Some(r) = &changes.ror_id {
        let r = check_ror(r.as_deref())?;
        log.insert("rorId".into(), json!(r));
        am.ror_id = Set(r);
    }
    if let Some(bp) = changes.inventor_share_bp {
        check_share(bp)?;
        log.insert("inventorShareBasisPoints".into(), json!(bp));
        am.inventor_share_bp = Set(bp);
    }
    if let Some(j) = changes.joined_on {
        log.insert("joinedOn".into(), json!(j));
        am.joined_on = Set(j);
    }
    let txn = txn::begin_write(db).await?;
    let current =
        policy::find_visible::<institution::Entity>(&txn, actor, id, "institution").await?;
    if let Some(m) = changes.membership.filter(|m| *m != current.membership) {
        log.insert(
            "membership".into(),
            json!({ "from": current.membership, "to": m }),
        );
        am.membership = Set(m);
        if m == Membership::Member && current.joined_on.is_none() && changes.joined_on.is_none() {
            let today = Utc::now().date_naive();
            log.insert("joinedOn".into(), json!(today));
            am.joined_on = Set(Some(today));
        }
    }
    update_versioned::<institution::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(id),
        "institution.update",
        "Institution",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lower_case_handles() {
        assert_eq!(check_slug("unibl").unwrap(), "unibl");
        assert_eq!(check_slug("mf-nis-2").unwrap(), "mf-nis-2");
        for bad in ["u", "UniBL", "uni bl", "uni_bl", &"a".repeat(33), "šabac"] {
            let err = check_slug(bad).unwrap_err();
            assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "slug"));
        }
    }

    #[test]
    fn countries_are_iso_3166_alpha_2() {
        assert_eq!(text::COUNTRIES.split_ascii_whitespace().count(), 250);
        for ok in ["BA", "cn", "RS", "HR", "ME", "MK", "AL", "XK", "SI"] {
            assert!(check_country(ok).is_ok(), "{ok}");
        }
        assert_eq!(check_country(" ba ").unwrap(), "BA");
        for bad in ["", "B", "BIH", "UK", "EU", "ZZ", "YU"] {
            assert!(check_country(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ror_ids_are_optional_but_checked() {
        assert_eq!(check_ror(None).unwrap(), None);
        assert_eq!(check_ror(Some("  ")).unwrap(), None);
        assert_eq!(
            check_ror(Some("https://ror.org/03vek6s52"))
                .unwrap()
                .as_deref(),
            Some("03vek6s52")
        );
        let err = check_ror(Some("03vek6s53")).unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "rorId"));
    }

    #[test]
    fn shares_and_websites_are_checked() {
        assert!(check_share(0).is_ok() && check_share(10_000).is_ok());
        assert!(check_share(-1).is_err() && check_share(10_001).is_err());
        assert_eq!(
            check_website(Some("https://www.unibl.org/en"))
                .unwrap()
                .as_deref(),
            Some("https://www.unibl.org/en")
        );
        assert_eq!(check_website(Some(" ")).unwrap(), None);
        assert!(check_website(Some("ftp://unibl.org")).is_err());
        assert!(check_website(Some("https://localhost")).is_err());
    }
}
