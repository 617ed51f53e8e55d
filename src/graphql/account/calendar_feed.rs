//! Calendar feed tokens: the `CalendarFeedToken` type, `calendarFeedTokens`,
//! `createCalendarFeedToken` and `revokeCalendarFeedToken` (see `service::calendar`).

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::calendar_feed_token;

use crate::graphql::{ids, request, scalars::Timestamp};
use crate::{
    payload,
    service::calendar::{feeds::Feed, tokens as service},
};

/// A secret that lets calendar apps fetch the viewer's calendar feeds. The secret itself is
/// shown once, by `createCalendarFeedToken`.
pub struct CalendarFeedToken(pub calendar_feed_token::Model);

impl From<calendar_feed_token::Model> for CalendarFeedToken {
    fn from(m: calendar_feed_token::Model) -> Self {
        CalendarFeedToken(m)
    }
}

/// A secret that lets calendar apps fetch the viewer's calendar feeds. The secret itself is
/// shown once, by `createCalendarFeedToken`.
#[Object]
impl CalendarFeedToken {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("CalendarFeedToken", self.0.id)
    }
    /// What the token is for, e.g. "Thunderbird at the office".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret (`bbf_…`), to recognise the token.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// When the token was revoked; a revoked token's feeds answer 404.
    async fn revoked_at(&self) -> Option<Timestamp> {
        self.0.revoked_at.map(Timestamp)
    }
    /// When a feed was last fetched with the token.
    async fn last_used_at(&self) -> Option<Timestamp> {
        self.0.last_used_at.map(Timestamp)
    }
    /// When the token was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
}

#[derive(Default)]
pub struct CalendarFeedQuery;

#[Object]
impl CalendarFeedQuery {
    /// The viewer's own calendar feed tokens, newest first (revoked ones included). Nobody
    /// else's: a feed shows its user's view of the data.
    async fn calendar_feed_tokens(&self, ctx: &Context<'_>) -> Result<Vec<CalendarFeedToken>> {
        let req = request(ctx);
        Ok(service::own(&req.db, &req.principal)
            .await?
            .into_iter()
            .map(CalendarFeedToken)
            .collect())
    }
}

/// A new calendar feed token.
#[derive(InputObject)]
pub struct CreateCalendarFeedTokenInput {
    /// What the token is for, e.g. "Thunderbird at the office" (1 to 100 characters).
    pub name: String,
}

/// Result of `createCalendarFeedToken`.
pub struct CreateCalendarFeedTokenPayload {
    id: uuid::Uuid,
    secret: String,
}

impl CreateCalendarFeedTokenPayload {
    fn path(&self, feed: Feed) -> String {
        format!("/calendar/{}?token={}", feed.file_name(), self.secret)
    }
}

/// Result of `createCalendarFeedToken`.
#[Object]
impl CreateCalendarFeedTokenPayload {
    /// The secret (`bbf_…`), shown this once. It goes in the feeds' URLs as `?token=`.
    async fn token(&self) -> &str {
        &self.secret
    }
    /// The path of the deadlines feed with the token, to append to this server's address and
    /// paste into a calendar app ("subscribe to a calendar from the web").
    async fn deadlines_path(&self) -> String {
        self.path(Feed::Deadlines)
    }
    /// The path of the feed of the viewer's institution's venture milestones, with the token.
    async fn milestones_path(&self) -> String {
        self.path(Feed::Milestones)
    }
    /// The path of the feed of the training programs the viewer may see, with the token.
    async fn training_path(&self) -> String {
        self.path(Feed::Training)
    }
    /// The token's metadata.
    async fn calendar_feed_token(&self, ctx: &Context<'_>) -> Result<Option<CalendarFeedToken>> {
        Ok(request(ctx)
            .loaders
            .one::<calendar_feed_token::Entity>(self.id)
            .await?
            .map(CalendarFeedToken))
    }
}

/// Which feed token to revoke.
#[derive(InputObject)]
pub struct RevokeCalendarFeedTokenInput {
    /// The token's global id.
    pub id: ID,
}

payload!(
    /// Result of `revokeCalendarFeedToken`.
    RevokeCalendarFeedTokenPayload, calendar_feed_token: CalendarFeedToken, calendar_feed_token::Entity
);

#[derive(Default)]
pub struct CalendarFeedMutation;

#[Object]
impl CalendarFeedMutation {
    /// Creates a calendar feed token for the viewer (a logged-in user of an institution): a
    /// read-only secret for the URLs of the calendar feeds (`/calendar/deadlines.ics`,
    /// `/calendar/milestones.ics`, `/calendar/training.ics`), which show what the viewer may
    /// see. It works on those feeds only, until revoked or the viewer is disabled.
    async fn create_calendar_feed_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateCalendarFeedTokenInput,
    ) -> Result<CreateCalendarFeedTokenPayload> {
        let req = request(ctx);
        let (id, secret) = service::create(&req.db, &req.principal, &input.name).await?;
        Ok(CreateCalendarFeedTokenPayload { id, secret })
    }

    /// Revokes one of the viewer's calendar feed tokens; its feeds answer 404 from the next
    /// fetch on.
    async fn revoke_calendar_feed_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RevokeCalendarFeedTokenInput,
    ) -> Result<RevokeCalendarFeedTokenPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "CalendarFeedToken", &input.id)?;
        service::revoke(&req.db, &req.principal, id).await?;
        Ok(RevokeCalendarFeedTokenPayload::of(id))
    }
}
