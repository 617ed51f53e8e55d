//! DataLoaders for every relation, written once: [`ById`] for "belongs to" and [`Children`] for
//! "has many". Both read through the access policy with the request's principal, so a batched
//! relation shows exactly what a root list would. [`Loaders`] makes each loader lazily, once per
//! request; [`batch`] decides when each loader's batch goes to the database; [`statements`]
//! keeps each batch's statement for the next request of an equal principal.

pub mod batch;
mod statements;

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    marker::PhantomData,
    sync::{Arc, Mutex},
};

use async_graphql::dataloader::Loader;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ModelTrait, QueryFilter, QueryOrder,
    QueryTrait, Value,
};
use uuid::Uuid;

use self::batch::{Batcher, Scheduler};
use crate::{
    auth::Principal,
    db::id_column,
    error::{AppError, AppResult},
    policy::{self, Policy},
};

/// What every loader is built from.
#[derive(Clone)]
pub struct LoaderContext {
    pub db: DatabaseConnection,
    pub principal: Arc<Principal>,
}

pub trait NewLoader: Loader<Uuid> + Sized {
    /// A "belongs to" look-up, whose batch waits until no other is pending or in flight, so
    /// that the levels of a query that ask for the same entity share one statement (see
    /// [`batch`]).
    const DEFERRED: bool = false;

    fn new(ctx: &LoaderContext) -> Self;
}

/// The request's loaders, created on first use, and the [`Scheduler`] of their batches.
pub struct Loaders {
    ctx: LoaderContext,
    scheduler: Arc<Scheduler>,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: DatabaseConnection, principal: Arc<Principal>) -> Self {
        Loaders {
            ctx: LoaderContext { db, principal },
            scheduler: Arc::default(),
            made: Mutex::new(HashMap::new()),
        }
    }

    /// Who sends this request's batches; [`Scheduler::drive`] runs an execution with them.
    pub fn scheduler(&self) -> &Arc<Scheduler> {
        &self.scheduler
    }

    pub fn get<L: NewLoader>(&self) -> Arc<Batcher<L>> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let any = made
            .entry(TypeId::of::<L>())
            .or_insert_with(|| {
                let batcher: Arc<dyn Any + Send + Sync> =
                    Batcher::new(L::new(&self.ctx), L::DEFERRED, &self.scheduler);
                batcher
            })
            .clone();
        any.downcast::<Batcher<L>>()
            .expect("loader registered under its own type id")
    }

    /// One visible row of `E` by id (absent when the viewer may not see it).
    pub async fn one<E>(&self, id: Uuid) -> AppResult<Option<E::Model>>
    where
        E: Policy,
        E::Model: Clone + Send + Sync,
    {
        self.get::<ById<E>>()
            .load_one(id)
            .await
            .map_err(loader_error)
    }

    /// Visible rows of `E` by ids, in the order asked, leaving out the ones not visible.
    pub async fn many<E>(&self, ids: &[Uuid]) -> AppResult<Vec<E::Model>>
    where
        E: Policy,
        E::Model: Clone + Send + Sync,
    {
        let found = self
            .get::<ById<E>>()
            .load_many(ids.iter().copied())
            .await
            .map_err(loader_error)?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
    }

    /// The visible children of `parent` along the relation `F`.
    pub async fn children<F: ForeignKey>(
        &self,
        parent: Uuid,
    ) -> AppResult<Vec<<F::Entity as EntityTrait>::Model>>
    where
        <F::Entity as EntityTrait>::Model: Clone + Send + Sync,
    {
        Ok(self
            .get::<Children<F>>()
            .load_one(parent)
            .await
            .map_err(loader_error)?
            .unwrap_or_default())
    }
}

/// A loader's shared database error, classified like any other (`UNAVAILABLE` or `INTERNAL`).
pub fn loader_error(err: Arc<DbErr>) -> AppError {
    AppError::from(DbErr::clone(&err))
}

fn uuid_of<M: ModelTrait>(model: &M, column: <M::Entity as EntityTrait>::Column) -> Option<Uuid> {
    match model.get(column) {
        Value::Uuid(Some(u)) => Some(u),
        _ => None,
    }
}

/// Rows of `E` by primary key.
pub struct ById<E>(LoaderContext, PhantomData<fn() -> E>);

impl<E: Policy> NewLoader for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    const DEFERRED: bool = true;

    fn new(ctx: &LoaderContext) -> Self {
        ById(ctx.clone(), PhantomData)
    }
}

impl<E: Policy> Loader<Uuid> for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, E::Model>, Self::Error> {
        let id = id_column::<E>();
        let backend = self.0.db.get_database_backend();
        let statement = statements::batch::<Self>(backend, &self.0.principal, keys, || {
            policy::visible_among::<E>(&self.0.principal)
                .filter(id.is_in(keys.iter().copied()))
                .build(backend)
        });
        let rows = E::find()
            .from_raw_sql(statement)
            .all(&self.0.db)
            .await
            .map_err(Arc::new)?;
        Ok(rows
            .into_iter()
            .filter_map(|m| Some((uuid_of(&m, id)?, m)))
            .collect())
    }
}

/// A "has many" relation: the entity on the many side and its foreign-key column.
pub trait ForeignKey: Send + Sync + 'static {
    type Entity: Policy;
    fn column() -> <Self::Entity as EntityTrait>::Column;
}

/// Rows of `F::Entity` grouped by the parent id in `F::column()`, in id (creation) order.
pub struct Children<F>(LoaderContext, PhantomData<fn() -> F>);

impl<F: ForeignKey> NewLoader for Children<F>
where
    <F::Entity as EntityTrait>::Model: Clone + Send + Sync,
{
    fn new(ctx: &LoaderContext) -> Self {
        Children(ctx.clone(), PhantomData)
    }
}

impl<F: ForeignKey> Loader<Uuid> for Children<F>
where
    <F::Entity as EntityTrait>::Model: Clone + Send + Sync,
{
    type Value = Vec<<F::Entity as EntityTrait>::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let backend = self.0.db.get_database_backend();
        let statement = statements::batch::<Self>(backend, &self.0.principal, keys, || {
            policy::visible_among::<F::Entity>(&self.0.principal)
                .filter(F::column().is_in(keys.iter().copied()))
                .order_by_asc(id_column::<F::Entity>())
                .build(backend)
        });
        let rows = F::Entity::find()
            .from_raw_sql(statement)
            .all(&self.0.db)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            if let Some(parent) = uuid_of(&row, F::column()) {
                grouped.entry(parent).or_default().push(row);
            }
        }
        Ok(grouped)
    }
}

/// Declares a [`ForeignKey`] relation in one line.
#[macro_export]
macro_rules! has_many {
    ($name:ident, $entity:path, $column:expr) => {
        pub struct $name;
        impl $crate::graphql::loaders::ForeignKey for $name {
            type Entity = $entity;
            fn column() -> <$entity as sea_orm::EntityTrait>::Column {
                $column
            }
        }
    };
}
