//! A loader's statement, built once per loader, principal, database and number of keys.
//!
//! Every batch reads through the access policy: `<the entity's rule for the principal> AND
//! <column> IN (<keys>)`. Building that statement — the rule's condition tree, sea-query's
//! rendering of it, and dropping both — was about a tenth of the server's instructions on the
//! nested query (callgrind), for SQL that only changes when the principal does. The rule is a
//! pure function of the [`Principal`] (`Policy::rule` takes nothing else, reads no clock and no
//! database), so the statement is kept per *equal* principal: the same SQL text, the rule's
//! values, and the keys' values appended at the end on each use. A principal whose state
//! changed (a new role, a disabled institution, other scopes) is another principal, with its
//! own statements; nothing is shared between principals, so nothing can leak between them.
//!
//! Before a statement is kept, its values are checked to end with the batch's keys in order;
//! a statement whose keys are anywhere else is used once and not kept.
//!
//! Bounded: at most [`MAX_STATEMENTS`] statements (least recently used go first), a few MB.

use std::{
    any::TypeId,
    hash::{Hash, Hasher},
    mem::Discriminant,
    num::NonZeroUsize,
    sync::{Arc, LazyLock, Mutex},
};

use lru::LruCache;
use sea_orm::{DbBackend, Statement, Value, Values};
use uuid::Uuid;

use crate::auth::Principal;

/// Statements kept, over all loaders, principals and batch sizes.
pub const MAX_STATEMENTS: usize = 1024;

/// What a statement was built for.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    loader: TypeId,
    backend: Discriminant<DbBackend>,
    keys: usize,
    principal: SamePrincipal,
}

/// A principal compared by value (the `Arc` only saves a clone per look-up).
#[derive(Clone)]
struct SamePrincipal(Arc<Principal>);

impl PartialEq for SamePrincipal {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl Eq for SamePrincipal {}

impl Hash for SamePrincipal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

/// A kept statement: its SQL and the values that come before the keys.
struct Template {
    sql: String,
    rule_values: Vec<Value>,
}

static STATEMENTS: LazyLock<Mutex<LruCache<Key, Arc<Template>>>> = LazyLock::new(|| {
    Mutex::new(LruCache::new(
        NonZeroUsize::new(MAX_STATEMENTS).expect("non-zero"),
    ))
});

fn cache() -> std::sync::MutexGuard<'static, LruCache<Key, Arc<Template>>> {
    STATEMENTS.lock().unwrap_or_else(|e| e.into_inner())
}

fn key_value(key: Uuid) -> Value {
    Value::Uuid(Some(key))
}

/// The statement of loader `L` for `keys` and `principal` on `backend`: the kept one with these
/// keys, or `build()`'s, kept for the next batch of as many keys when its values end with them.
pub fn batch<L: 'static>(
    backend: DbBackend,
    principal: &Arc<Principal>,
    keys: &[Uuid],
    build: impl FnOnce() -> Statement,
) -> Statement {
    let key = Key {
        loader: TypeId::of::<L>(),
        backend: std::mem::discriminant(&backend),
        keys: keys.len(),
        principal: SamePrincipal(principal.clone()),
    };
    let kept = cache().get(&key).cloned();
    if let Some(template) = kept {
        let mut values = Vec::with_capacity(template.rule_values.len() + keys.len());
        values.extend_from_slice(&template.rule_values);
        values.extend(keys.iter().copied().map(key_value));
        return Statement {
            sql: template.sql.clone(),
            values: Some(Values(values)),
            db_backend: backend,
        };
    }
    let statement = build();
    if let Some(template) = template_of(&statement, keys) {
        cache().put(key, Arc::new(template));
    }
    statement
}

/// `statement` as a template, when its values end with `keys` in order.
fn template_of(statement: &Statement, keys: &[Uuid]) -> Option<Template> {
    let values = &statement.values.as_ref()?.0;
    let rule = values.len().checked_sub(keys.len())?;
    let ends_with_keys = values[rule..]
        .iter()
        .zip(keys)
        .all(|(value, key)| *value == key_value(*key));
    ends_with_keys.then(|| Template {
        sql: statement.sql.clone(),
        rule_values: values[..rule].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(values: Vec<Value>) -> Statement {
        Statement {
            sql: "SELECT 1".into(),
            values: Some(Values(values)),
            db_backend: DbBackend::Sqlite,
        }
    }

    #[test]
    fn only_a_statement_ending_with_its_keys_is_kept() {
        let keys = [Uuid::from_u128(1), Uuid::from_u128(2)];
        let rule = Value::String(Some("MEMBER".into()));
        let kept = template_of(
            &statement(vec![rule.clone(), key_value(keys[0]), key_value(keys[1])]),
            &keys,
        )
        .expect("ends with its keys");
        assert_eq!(kept.rule_values, vec![rule.clone()]);
        // Keys elsewhere, in another order, or fewer values than keys: not kept.
        assert!(
            template_of(
                &statement(vec![key_value(keys[0]), key_value(keys[1]), rule.clone()]),
                &keys
            )
            .is_none()
        );
        assert!(
            template_of(
                &statement(vec![rule, key_value(keys[1]), key_value(keys[0])]),
                &keys
            )
            .is_none()
        );
        assert!(template_of(&statement(vec![key_value(keys[1])]), &keys).is_none());
    }

    #[test]
    fn a_kept_statement_is_used_only_for_an_equal_principal() {
        struct ThisTest;
        let member = Arc::new(Principal::anonymous());
        let keys = [Uuid::from_u128(7)];
        let built = |tag: &str| {
            let tag = tag.to_owned();
            move || Statement {
                sql: tag,
                values: Some(Values(vec![key_value(keys[0])])),
                db_backend: DbBackend::Sqlite,
            }
        };
        let first = batch::<ThisTest>(DbBackend::Sqlite, &member, &keys, built("first"));
        assert_eq!(first.sql, "first");
        // An equal principal (another Arc) gets the kept statement, with its own keys.
        let same = Arc::new(Principal::anonymous());
        let other_keys = [Uuid::from_u128(8)];
        let again = batch::<ThisTest>(DbBackend::Sqlite, &same, &other_keys, built("rebuilt"));
        assert_eq!(again.sql, "first");
        assert_eq!(again.values.unwrap().0, vec![key_value(other_keys[0])]);
        // Another principal, another database or another number of keys: built anew.
        let mut scoped = Principal::anonymous();
        scoped.scopes = vec!["ip:read".into()];
        let scoped = Arc::new(scoped);
        let fresh = batch::<ThisTest>(DbBackend::Sqlite, &scoped, &keys, built("scoped"));
        assert_eq!(fresh.sql, "scoped");
        let pg = batch::<ThisTest>(DbBackend::Postgres, &member, &keys, built("pg"));
        assert_eq!(pg.sql, "pg");
        let two = [keys[0], other_keys[0]];
        let wider = batch::<ThisTest>(DbBackend::Sqlite, &member, &two, || Statement {
            sql: "two".into(),
            values: Some(Values(two.iter().copied().map(key_value).collect())),
            db_backend: DbBackend::Sqlite,
        });
        assert_eq!(wider.sql, "two");
    }
}
