//! The root `agreements` list: filters and ordering.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus},
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::graphql::{
    agreement::Agreement,
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids, request,
};
use crate::{error::AppResult, service::search};

/// Filters for `agreements`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct AgreementFilter {
    /// The kind of agreement.
    pub kind: Option<AgreementKind>,
    /// The agreement's status.
    pub status: Option<AgreementStatus>,
    /// The global id of an institution that must be a party.
    pub party: Option<ID>,
    /// Words that must all occur in the title or summary; case and diacritics do not matter.
    pub search: Option<String>,
}

impl AgreementFilter {
    fn condition(self) -> AppResult<Condition> {
        let mut c = Condition::all();
        if let Some(k) = self.kind {
            c = c.add(agreement::Column::Kind.eq(k));
        }
        if let Some(s) = self.status {
            c = c.add(agreement::Column::Status.eq(s));
        }
        if let Some(party) = &self.party {
            let party = ids::decode_as("party", "Institution", party)?;
            let with_party = Query::select()
                .column(agreement_party::Column::AgreementId)
                .from(agreement_party::Entity)
                .and_where(
                    Expr::col((
                        agreement_party::Entity,
                        agreement_party::Column::InstitutionId,
                    ))
                    .eq(party),
                )
                .to_owned();
            c = c.add(agreement::Column::Id.in_subquery(with_party));
        }
        if let Some(query) = &self.search {
            c = c.add(search::condition(agreement::Column::SearchText, query));
        }
        Ok(c)
    }
}

/// Fields `agreements` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum AgreementOrderField {
    /// The signing date; drafts (not signed yet) come last ascending, first descending.
    #[default]
    SignedOn,
    /// The title.
    Title,
}

impl OrderField<agreement::Entity> for AgreementOrderField {
    fn column(self) -> agreement::Column {
        match self {
            Self::SignedOn => agreement::Column::SignedOn,
            Self::Title => agreement::Column::Title,
        }
    }
}

/// Ordering of agreements (ties broken by id).
#[derive(InputObject, Default)]
pub struct AgreementOrder {
    /// The field to order by.
    #[graphql(default)]
    pub field: AgreementOrderField,
    /// Ascending (the default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct AgreementQuery;

#[Object]
impl AgreementQuery {
    /// Cooperation agreements the viewer may see: members see the consortium's signed
    /// agreements; drafts only their parties.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            AgreementFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            AgreementOrder,
        >,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<Agreement>> {
        let _req = request(ctx);
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<agreement::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
