//! DataLoaders for every relation, written once: [`ById`] for "belongs to" and [`Children`] for
//! "has many". Both read through the access policy with the request's principal, so a batched
//! relation shows exactly what a root list would. [`Loaders`] makes each loader lazily, once per
//! request.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    marker::PhantomData,
    sync::{Arc, Mutex},
};

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};
use uuid::Uuid;

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

pub trait NewLoader: Sized + Send + Sync + 'static {
    fn new(ctx: &LoaderContext) -> Self;
}

/// The request's loaders, created on first use.
///
/// A loader collects the keys requested within `batch_window` of the first one and then runs one
/// query for all of them. The executor registers the keys of one nesting level in quick
/// succession, so a window of a few milliseconds turns a level into one statement.
pub struct Loaders {
    ctx: LoaderContext,
    batch_window: std::time::Duration,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(
        db: DatabaseConnection,
        principal: Arc<Principal>,
        batch_window: std::time::Duration,
    ) -> Self {
        Loaders {
            ctx: LoaderContext { db, principal },
            batch_window,
            made: Mutex::new(HashMap::new()),
        }
    }

    pub fn get<L: NewLoader>(&self) -> Arc<DataLoader<L>> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let any = made
            .entry(TypeId::of::<L>())
            .or_insert_with(|| {
                Arc::new(DataLoader::new(L::new(&self.ctx), tokio::spawn).delay(self.batch_window))
            })
            .clone();
        any.downcast::<DataLoader<L>>()
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

fn loader_error(err: Arc<DbErr>) -> AppError {
    AppError::internal(anyhow::anyhow!("{err}"))
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
        let rows = policy::visible::<E>(&self.0.principal)
            .filter(id.is_in(keys.iter().copied()))
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
        let rows = policy::visible::<F::Entity>(&self.0.principal)
            .filter(F::column().is_in(keys.iter().copied()))
            .order_by_asc(id_column::<F::Entity>())
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
