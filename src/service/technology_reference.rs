//! Technology references live in their owner institution's namespace: `SLUG-YEAR-NNN`, the
//! owner's slug upper-cased, the disclosure year and a number counted per owner and year.
//!
//! A reference a client gives must carry its owner's prefix, and references are unique per
//! owner (`uq_technologies_owner_id_reference`), so a CONFLICT on `reference` is only ever about
//! the caller's own technologies: nobody can probe another institution's (confidential)
//! disclosures by their guessable references, or take its future numbers.

use entity::{institution, technology};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The prefix of an institution's references: its slug, upper-cased.
pub fn prefix_of(slug: &str) -> String {
    slug.to_uppercase()
}

/// Checks a reference given by a client for an owner whose prefix is `prefix`: exactly
/// `PREFIX-YYYY-N…` (1–6 digits). The strict shape keeps namespaces apart even when one slug
/// extends another (`uni` and `uni-2025`).
pub fn check_given(prefix: &str, reference: &str) -> AppResult<String> {
    let r = reference.trim().to_uppercase();
    let fits = r
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(year, number)| {
            year.len() == 4
                && year.chars().all(|c| c.is_ascii_digit())
                && (1..=6).contains(&number.len())
                && number.chars().all(|c| c.is_ascii_digit())
        });
    if fits {
        Ok(r)
    } else {
        Err(AppError::bad_input(
            "reference",
            format!(
                "a reference of this owner looks like {prefix}-2026-001 (its prefix, the year \
                 and a number); leave it out to have the next one assigned"
            ),
        ))
    }
}

/// The owner's prefix, after taking the owner's write lock (a no-op write of its row), so that
/// two disclosures of one owner created at once are numbered one after the other.
pub async fn lock_namespace(txn: &impl ConnectionTrait, owner: Uuid) -> AppResult<String> {
    institution::Entity::update_many()
        .col_expr(
            institution::Column::UpdatedAt,
            Expr::col(institution::Column::UpdatedAt),
        )
        .filter(institution::Column::Id.eq(owner))
        .exec(txn)
        .await?;
    let owner = institution::Entity::find_by_id(owner)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("institution"))?;
    Ok(prefix_of(&owner.slug))
}

/// The next free reference of `owner` for `year`: one more than the highest number used.
pub async fn next(
    txn: &impl ConnectionTrait,
    owner: Uuid,
    prefix: &str,
    year: i32,
) -> AppResult<String> {
    let stem = format!("{prefix}-{year:04}-");
    let used: Vec<String> = technology::Entity::find()
        .select_only()
        .column(technology::Column::Reference)
        .filter(technology::Column::OwnerId.eq(owner))
        .filter(Expr::col(technology::Column::Reference).like(format!("{stem}%")))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(format!("{stem}{:03}", next_number(&stem, &used)))
}

fn next_number(stem: &str, used: &[String]) -> u32 {
    used.iter()
        .filter_map(|r| r.strip_prefix(stem)?.parse::<u32>().ok())
        .max()
        .map_or(1, |n| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_references_carry_the_owner_prefix() {
        assert_eq!(
            check_given("SUMHS", " sumhs-2026-014 ").unwrap(),
            "SUMHS-2026-014"
        );
        for bad in [
            "ZJU-2025-002",
            "SUMHS-26-1",
            "SUMHS-2026-",
            "SUMHS-2026-1234567",
            "SUMHSX-2026-001",
            "SUMHS-2026-001-A",
        ] {
            let err = check_given("SUMHS", bad).unwrap_err();
            assert!(
                matches!(err, AppError::BadUserInput { ref field, .. } if field == "reference")
            );
        }
        // A slug that extends another never reaches into its namespace.
        assert!(check_given("UNI", "UNI-2025-2026-001").is_err());
        assert!(check_given("UNI-2025", "UNI-2025-001").is_err());
    }

    #[test]
    fn numbers_continue_after_the_highest_one() {
        let stem = "BG-2026-";
        assert_eq!(next_number(stem, &[]), 1);
        let used = ["BG-2026-001".to_owned(), "BG-2026-017".to_owned()];
        assert_eq!(next_number(stem, &used), 18);
    }
}
