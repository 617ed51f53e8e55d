//! People: researchers, inventors, founders and trainees of the partner institutions.
//! E-mail addresses and ORCID iDs are checked here (the ORCID check digit included).

use chrono::Utc;
use entity::person;
use sea_orm::{ActiveModelTrait, DatabaseConnection, NotSet, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{audit, search, text, txn, update_versioned},
};

/// A new person.
#[derive(Debug, Clone, Default)]
pub struct NewPerson {
    /// The person's institution; the viewer's own unless a center admin names another.
    pub institution: Option<Uuid>,
    pub full_name: String,
    pub email: Option<String>,
    pub orcid: Option<String>,
    pub title: Option<String>,
    pub expertise: Vec<String>,
}

/// Changes to a person; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PersonChanges {
    pub full_name: Option<String>,
    pub email: Option<Option<String>>,
    pub orcid: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub expertise: Option<Vec<String>>,
}

/// An e-mail address, trimmed and lower-cased: one `@`, a local part, and a domain of at least
/// two dot-separated labels of letters, digits and dashes.
pub fn check_email(email: &str) -> AppResult<String> {
    let e = email.trim().to_lowercase();
    let bad = || AppError::bad_input("email", format!("{email:?} is not an e-mail address"));
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok && e.len() <= 254 {
        Ok(e)
    } else {
        Err(bad())
    }
}

/// An ORCID iD: `0000-0002-1825-0097` (also accepted as `https://orcid.org/…` or without
/// dashes), whose last character is the ISO 7064 MOD 11-2 check digit of the other fifteen.
pub fn check_orcid(orcid: &str) -> AppResult<String> {
    let raw = orcid.trim();
    let raw = raw
        .strip_prefix("https://orcid.org/")
        .or_else(|| raw.strip_prefix("http://orcid.org/"))
        .unwrap_or(raw);
    let chars: Vec<char> = raw
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let bad =
        |why: &str| AppError::bad_input("orcid", format!("{orcid:?} is not an ORCID iD: {why}"));
    let dashes_ok = !raw.contains('-')
        || (raw.len() == 19 && raw.char_indices().all(|(i, c)| (c == '-') == (i % 5 == 4)));
    if chars.len() != 16
        || !dashes_ok
        || !chars[..15].iter().all(char::is_ascii_digit)
        || !(chars[15].is_ascii_digit() || chars[15] == 'X')
    {
        return Err(bad(
            "use 16 digits in groups of four, e.g. 0000-0002-1825-0097",
        ));
    }
    if orcid_check_digit(&chars[..15]) != chars[15] {
        return Err(bad("the check digit does not match"));
    }
    let digits: String = chars.into_iter().collect();
    Ok(format!(
        "{}-{}-{}-{}",
        &digits[0..4],
        &digits[4..8],
        &digits[8..12],
        &digits[12..16]
    ))
}

/// ISO 7064 MOD 11-2 over base digits, as ORCID computes it (`X` stands for 10).
fn orcid_check_digit(base: &[char]) -> char {
    let total = base
        .iter()
        .filter_map(|c| c.to_digit(10))
        .fold(0u32, |total, d| (total + d) * 2);
    match (12 - total % 11) % 11 {
        10 => 'X',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

fn full_name(value: &str) -> AppResult<String> {
    text::required("fullName", value, 200)
}

fn expertise(values: &[String]) -> AppResult<Vec<String>> {
    text::tags("expertise", values, 30)
}

fn optional_email(value: Option<&str>) -> AppResult<Option<String>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(check_email)
        .transpose()
}

fn optional_orcid(value: Option<&str>) -> AppResult<Option<String>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(check_orcid)
        .transpose()
}

/// A duplicate ORCID iD is a CONFLICT on `orcid`, on both backends.
fn orcid_conflict(err: AppError) -> AppError {
    match err {
        AppError::Conflict { .. } => AppError::Conflict {
            field: Some("orcid".into()),
            message: "another person already has this ORCID iD".into(),
        },
        other => other,
    }
}

/// Records a person of the viewer's institution (or, for center admins, of the one named).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewPerson,
) -> AppResult<crate::service::txn::Written<entity::person::Model>> {
    let scope = policy::people_write_scope(actor);
    let institution = policy::owner_for_new(actor, input.institution, scope, "institutionId")?;
    let name = full_name(&input.full_name)?;
    let email = optional_email(input.email.as_deref())?;
    let orcid = optional_orcid(input.orcid.as_deref())?;
    let title = text::optional("title", input.title.as_deref(), 200)?;
    let expertise = expertise(&input.expertise)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = txn::begin_write(db).await?;
    person::ActiveModel {
        id: Set(id),
        institution_id: Set(institution),
        full_name: Set(name.clone()),
        email: Set(email),
        orcid: Set(orcid.clone()),
        title: Set(title.clone()),
        expertise: Set(json!(expertise)),
        // Written from the stored row by `search::refresh` below.
        search_text: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await
    .map_err(|e| orcid_conflict(e.into()))?;
    search::refresh::<person::Entity>(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Some(institution),
        "person.create",
        "Person",
        id,
        json!({ "fullName": name, "orcid": orcid, "title": title, "expertise": expertise }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::person::Entity>(txn, actor, id).await
}

/// Edits a person of the viewer's institution.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: PersonChanges,
) -> AppResult<()> {
    policy::ensure_writer(actor, policy::people_write_scope(actor))?;
    let mut am = <person::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if let Some(n) = &changes.full_name {
        let n = full_name(n)?;
        log.insert("fullName".into(), json!(n));
        am.full_name = Set(n);
    }
    if let Some(e) = &changes.email {
        // The address itself stays out of the trail, which other admins may read.
        let e = optional_email(e.as_deref())?;
        log.insert(
            "email".into(),
            json!(if e.is_some() { "changed" } else { "cleared" }),
        );
        am.email = Set(e);
    }
    if let Some(o) = &changes.orcid {
        let o = optional_orcid(o.as_deref())?;
        log.insert("orcid".into(), json!(o));
        am.orcid = Set(o);
    }
    if let Some(t) = &changes.title {
        let t = text::optional("title", t.as_deref(), 200)?;
        log.insert("title".into(), json!(t));
        am.title = Set(t);
    }
    if let Some(x) = &changes.expertise {
        let x = expertise(x)?;
        log.insert("expertise".into(), json!(x));
        am.expertise = Set(json!(x));
    }
    let txn = txn::begin_write(db).await?;
    let current = policy::find_visible::<person::Entity>(&txn, actor, id, "person").await?;
    policy::ensure_can_write(
        actor,
        current.institution_id,
        policy::people_write_scope(actor),
    )?;
    update_versioned::<person::Entity, _>(&txn, id, expected_version, am)
        .await
        .map_err(orcid_conflict_only_on_unique)?;
    search::refresh::<person::Entity>(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Some(current.institution_id),
        "person.update",
        "Person",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A stale version stays a CONFLICT on `expectedVersion`; any other conflict here is the ORCID.
fn orcid_conflict_only_on_unique(err: AppError) -> AppError {
    match err {
        AppError::Conflict {
            field: Some(ref f), ..
        } if f == "expectedVersion" => err,
        other => orcid_conflict(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_check_digits_follow_iso_7064_mod_11_2() {
        // ORCID's own examples.
        assert_eq!(
            check_orcid("0000-0002-1825-0097").unwrap(),
            "0000-0002-1825-0097"
        );
        assert_eq!(
            check_orcid("0000-0001-5109-3700").unwrap(),
            "0000-0001-5109-3700"
        );
        assert_eq!(
            check_orcid("0000-0002-1694-233x").unwrap(),
            "0000-0002-1694-233X"
        );
        assert_eq!(
            check_orcid("https://orcid.org/0000-0002-1825-0097").unwrap(),
            "0000-0002-1825-0097"
        );
        assert_eq!(
            check_orcid("0000000218250097").unwrap(),
            "0000-0002-1825-0097"
        );
        for bad in [
            "0000-0002-1825-0098",
            "0000-0002-1825-009",
            "0000-0002-18250-097",
            "0000-0002-1825-00X7",
            "abcd-0002-1825-0097",
            "",
        ] {
            let err = check_orcid(bad).unwrap_err();
            assert!(
                matches!(err, AppError::BadUserInput { ref field, .. } if field == "orcid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_demo_orcids_are_valid() {
        for p in [
            "0000-0003-8778-9325",
            "0000-0002-0330-7660",
            "0000-0002-9546-1111",
        ] {
            assert!(check_orcid(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn email_addresses_are_checked_and_lower_cased() {
        assert_eq!(
            check_email(" Chen.Hong@SUMHS.edu.cn ").unwrap(),
            "chen.hong@sumhs.edu.cn"
        );
        assert_eq!(
            check_email("n.bojanic@med.unibl.org").unwrap(),
            "n.bojanic@med.unibl.org"
        );
        for bad in [
            "no-at-sign",
            "@sumhs.edu.cn",
            "a@b",
            "a@b..c",
            "a b@c.d",
            "a@@b.c",
            "a@-b.c",
            ".a@b.c",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
