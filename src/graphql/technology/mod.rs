//! Technologies: invention disclosures and the assets they become.

pub mod mutation;

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    enums::{ClinicalStage, Region, RegulatoryClass, TechnologyField, TechnologyStage, Visibility},
    institution, person, technology, technology_inventor, technology_translation,
};
use sea_orm::{ColumnTrait, Condition, QueryFilter, sea_query::Query};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    deal::{Deal, DealsOf},
    ids,
    institution::Institution,
    ip::{IpAsset, IpAssetsOf},
    person::Person,
    request,
    scalars::{Date, Timestamp, string_list},
    venture::{Venture, VenturesOf},
};
use crate::{
    auth::scope,
    error::AppError,
    has_many, policy,
    service::{language, search},
};

has_many!(
    TechnologiesOfOwner,
    technology::Entity,
    technology::Column::OwnerId
);
has_many!(
    TranslationsOf,
    technology_translation::Entity,
    technology_translation::Column::TechnologyId
);
has_many!(
    InventorsOf,
    technology_inventor::Entity,
    technology_inventor::Column::TechnologyId
);

/// An inventor of a technology and their share of it.
pub struct TechnologyInventor(pub technology_inventor::Model);

impl From<technology_inventor::Model> for TechnologyInventor {
    fn from(m: technology_inventor::Model) -> Self {
        TechnologyInventor(m)
    }
}

/// An inventor of a technology and their share of it.
#[Object]
impl TechnologyInventor {
    /// The inventor (null if the viewer may not see people of that institution).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(request(ctx)
            .loaders
            .one::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
    /// The technology (null if the viewer may not see it).
    async fn technology(&self, ctx: &Context<'_>) -> Result<Option<Technology>> {
        Ok(request(ctx)
            .loaders
            .one::<technology::Entity>(self.0.technology_id)
            .await?
            .map(Technology))
    }
    /// Share of the technology in basis points (10000 = 100%).
    async fn share_basis_points(&self) -> i32 {
        self.0.share_bp
    }
}

/// An invention disclosure and the asset it becomes, owned by one institution.
pub struct Technology(pub technology::Model);

impl From<technology::Model> for Technology {
    fn from(m: technology::Model) -> Self {
        Technology(m)
    }
}

impl Technology {
    /// The translation to serve for `lang`, or for the request's `Accept-Language` when `lang`
    /// is not given; `None` for the canonical English text (see `service::language`).
    async fn translation(
        &self,
        ctx: &Context<'_>,
        lang: Option<String>,
    ) -> Result<Option<technology_translation::Model>> {
        let asked = match &lang {
            Some(tag) => language::Preferences::one(tag),
            None => ctx
                .data_opt::<language::Preferences>()
                .cloned()
                .unwrap_or_default(),
        };
        let all = request(ctx)
            .loaders
            .children::<TranslationsOf>(self.0.id)
            .await?;
        let available: Vec<&str> = all.iter().map(|t| t.lang.as_str()).collect();
        let Some(chosen) = asked.pick(&available).map(str::to_owned) else {
            return Ok(None);
        };
        Ok(all.into_iter().find(|t| t.lang == chosen))
    }
}

/// An invention disclosure and the asset it becomes, owned by one institution.
#[Object]
impl Technology {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Technology", self.0.id)
    }
    /// Unique human reference, e.g. `SUMHS-2025-001`.
    async fn reference(&self) -> &str {
        &self.0.reference
    }
    /// Title in the reader's language: `lang` if given, else the request's `Accept-Language`.
    /// A language the title is not translated into falls back to one its reader also reads
    /// (`zh-CN` and `zh-Hans` to `zh`; `sr` to `sr-Latn` or `sr-Cyrl`; Serbian, Bosnian,
    /// Croatian and Montenegrin to each other), and finally to the canonical English title;
    /// `titleLanguage` says which was served.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A BCP 47 language tag, e.g. `zh-CN`, `sr-Cyrl` or `hr`; when \
                          omitted, the request's `Accept-Language` header decides.")]
        lang: Option<String>,
    ) -> Result<String> {
        Ok(self
            .translation(ctx, lang)
            .await?
            .map(|t| t.title)
            .unwrap_or_else(|| self.0.title.clone()))
    }
    /// Summary in the reader's language, chosen as `title`'s is.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A BCP 47 language tag, e.g. `zh-CN`, `sr-Cyrl` or `hr`; when \
                          omitted, the request's `Accept-Language` header decides.")]
        lang: Option<String>,
    ) -> Result<String> {
        Ok(self
            .translation(ctx, lang)
            .await?
            .map(|t| t.summary)
            .unwrap_or_else(|| self.0.summary.clone()))
    }
    /// The language `title(lang:)` and `summary(lang:)` are served in for the same `lang`
    /// (a translation's tag such as `sr-Cyrl`, or `en` for the canonical text).
    async fn title_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `lang` given to `title` and `summary`; when omitted, the \
                          request's `Accept-Language` header decides.")]
        lang: Option<String>,
    ) -> Result<String> {
        Ok(self.translation(ctx, lang).await?.map_or_else(
            || language::CANONICAL.to_owned(),
            |t| language::display(&t.lang),
        ))
    }
    /// Languages with a translation of title and summary, as BCP 47 tags (`zh`, `sr-Latn`).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let all = request(ctx)
            .loaders
            .children::<TranslationsOf>(self.0.id)
            .await?;
        Ok(all.iter().map(|t| language::display(&t.lang)).collect())
    }
    /// The technology's field of application.
    async fn field(&self) -> TechnologyField {
        self.0.field
    }
    /// Technology readiness level, 1 (basic principles) to 9 (proven in operation).
    async fn trl(&self) -> i32 {
        self.0.trl
    }
    /// Where it stands in the transfer pipeline (see `transitionTechnology`).
    async fn stage(&self) -> TechnologyStage {
        self.0.stage
    }
    /// Who may see it: everyone, consortium members, or its owner and co-owners and deal parties.
    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }
    /// Medical-device class under NMPA or EU MDR, when it is a device.
    async fn regulatory_class(&self) -> Option<RegulatoryClass> {
        self.0.regulatory_class
    }
    /// How far it has come in clinical development.
    async fn clinical_stage(&self) -> ClinicalStage {
        self.0.clinical_stage
    }
    /// Free keywords, searched by `filter: { search }`.
    async fn keywords(&self) -> Vec<String> {
        string_list(&self.0.keywords)
    }
    /// When the invention was disclosed to the technology-transfer office.
    async fn disclosed_on(&self) -> Date {
        Date(self.0.disclosed_on)
    }
    /// The inventors and their shares (which add up to 10000 basis points).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn inventors(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<TechnologyInventor>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<InventorsOf, _>(ctx, self.0.id, args).await?)
    }
    /// CNIPA's security review before filing abroad (Patent Law art. 19), once recorded. Its
    /// owner institution and center admins only (null for others).
    async fn security_review(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::ip::security_review::SecurityReview>> {
        crate::graphql::ip::security_review::of(ctx, self.0.id).await
    }
    /// IP assets protecting the technology that the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ip_assets(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<IpAsset>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<IpAssetsOf, _>(ctx, self.0.id, args).await?)
    }
    /// Deals on the technology that the viewer is a party to.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn deals(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<Deal>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<DealsOf, _>(ctx, self.0.id, args).await?)
    }
    /// Ventures built on the technology.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ventures(
        &self,
        ctx: &Context<'_>,
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
    ) -> Result<Page<Venture>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<VenturesOf, _>(ctx, self.0.id, args).await?)
    }
    /// The institution that owns the technology.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let owner = request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.owner_id)
            .await?;
        Ok(owner.map(Institution))
    }
    /// When the record was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the record last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Filters for `technologies`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct TechnologyFilter {
    /// Technologies of this field.
    pub field: Option<TechnologyField>,
    /// Technologies at this stage.
    pub stage: Option<TechnologyStage>,
    /// Lowest technology readiness level (1–9).
    pub trl_min: Option<i32>,
    /// Highest technology readiness level (1–9).
    pub trl_max: Option<i32>,
    /// The owner institution's global id.
    pub owner: Option<ID>,
    /// The owner institution's slug.
    pub owner_slug: Option<String>,
    /// The owner institution's region.
    pub region: Option<Region>,
    /// Technologies with this visibility (among those the viewer may see).
    pub visibility: Option<Visibility>,
    /// Words that must all occur in the title, summary, keywords or a translation; case and
    /// diacritics do not matter (`saric` finds `Šarić`, and Serbian Cyrillic is found by its
    /// Latin spelling).
    pub search: Option<String>,
}

impl TechnologyFilter {
    fn condition(self) -> Result<Condition, AppError> {
        use technology::Column as C;
        let mut c = Condition::all();
        if let Some(f) = self.field {
            c = c.add(C::Field.eq(f));
        }
        if let Some(s) = self.stage {
            c = c.add(C::Stage.eq(s));
        }
        for (field, value) in [("trlMin", self.trl_min), ("trlMax", self.trl_max)] {
            if value.is_some_and(|v| !(1..=9).contains(&v)) {
                return Err(AppError::bad_input(
                    field,
                    format!("{field} must be a TRL between 1 and 9"),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (self.trl_min, self.trl_max)
            && lo > hi
        {
            return Err(AppError::bad_input(
                "trlMax",
                "trlMax must not be below trlMin",
            ));
        }
        if let Some(lo) = self.trl_min {
            c = c.add(C::Trl.gte(lo));
        }
        if let Some(hi) = self.trl_max {
            c = c.add(C::Trl.lte(hi));
        }
        if let Some(owner) = &self.owner {
            c = c.add(C::OwnerId.eq(ids::decode_as("owner", "Institution", owner)?));
        }
        if let Some(slug) = self.owner_slug {
            c = c.add(
                C::OwnerId.in_subquery(institutions_where(institution::Column::Slug.eq(slug))),
            );
        }
        if let Some(region) = self.region {
            c = c.add(
                C::OwnerId.in_subquery(institutions_where(institution::Column::Region.eq(region))),
            );
        }
        if let Some(v) = self.visibility {
            c = c.add(C::Visibility.eq(v));
        }
        if let Some(query) = &self.search {
            c = c.add(search::condition(C::SearchText, query));
        }
        Ok(c)
    }
}

fn institutions_where(cond: impl Into<Condition>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(institution::Column::Id)
        .from(institution::Entity)
        .cond_where(cond.into())
        .to_owned()
}

/// Fields `technologies` can be ordered by.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum TechnologyOrderField {
    /// By reference (the default).
    #[default]
    Reference,
    /// By canonical title.
    Title,
    /// By technology readiness level.
    Trl,
    /// By disclosure date.
    DisclosedOn,
    /// By creation time.
    CreatedAt,
}

impl OrderField<technology::Entity> for TechnologyOrderField {
    fn column(self) -> technology::Column {
        match self {
            Self::Reference => technology::Column::Reference,
            Self::Title => technology::Column::Title,
            Self::Trl => technology::Column::Trl,
            Self::DisclosedOn => technology::Column::DisclosedOn,
            Self::CreatedAt => technology::Column::CreatedAt,
        }
    }
}

/// Ordering of technologies (ties broken by id).
#[derive(InputObject, Default)]
pub struct TechnologyOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: TechnologyOrderField,
    /// Ascending (default) or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl TechnologyOrder {
    pub fn ordering(self) -> Ordering<technology::Entity> {
        Ordering::new(self.field, self.direction)
    }
}

#[derive(Default)]
pub struct TechnologyQuery;

#[Object]
impl TechnologyQuery {
    /// Technologies the viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn technologies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            TechnologyFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            TechnologyOrder,
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
    ) -> Result<Page<Technology>> {
        let req = request(ctx);
        req.principal.require_scope(scope::TECHNOLOGY_READ)?;
        Ok(connection::root_list::<technology::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            order_by.unwrap_or_default().ordering(),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }

    /// One technology by its reference, e.g. `SUMHS-2025-001`; null when the viewer may not see it.
    async fn technology(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The technology's reference, e.g. `SUMHS-2025-001`.")] reference: String,
    ) -> Result<Option<Technology>> {
        let req = request(ctx);
        req.principal.require_scope(scope::TECHNOLOGY_READ)?;
        let found = policy::visible::<technology::Entity>(&req.principal)
            .filter(technology::Column::Reference.eq(reference))
            .one(&req.db)
            .await
            .map_err(AppError::from)?;
        Ok(found.map(Technology))
    }
}
