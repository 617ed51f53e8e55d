//! The event kinds a webhook can subscribe to: the changes live subscriptions follow.

use async_graphql::Enum;

/// A kind of change event a webhook can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum WebhookEventKind {
    /// A deal was created or changed (stage moves, signature, terms).
    DealChanged,
    /// A royalty report was submitted, accepted or disputed.
    RoyaltyReportChanged,
    /// Income was recorded under a deal.
    IncomeRecorded,
    /// A technology changed (data, stage, visibility, inventors).
    TechnologyChanged,
    /// An IP asset changed (status, ownership, publication).
    IpAssetChanged,
    /// An enrollment was applied for or decided.
    EnrollmentChanged,
    /// One of an IP deadline's reminders came due (a lead time before the due date, or the
    /// last day of the grace period); sent to the asset's co-owners only.
    DeadlineReminder,
}

impl WebhookEventKind {
    pub const ALL: [WebhookEventKind; 7] = [
        Self::DealChanged,
        Self::RoyaltyReportChanged,
        Self::IncomeRecorded,
        Self::TechnologyChanged,
        Self::IpAssetChanged,
        Self::EnrollmentChanged,
        Self::DeadlineReminder,
    ];

    /// The kind of a change to an entity of the audit trail's `entity_type`, if webhooks carry
    /// such changes.
    pub fn of_entity(entity_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.entity_type() == entity_type)
    }

    /// The audit trail's name of the entity this kind is about.
    pub fn entity_type(self) -> &'static str {
        match self {
            Self::DealChanged => "Deal",
            Self::RoyaltyReportChanged => "RoyaltyReport",
            Self::IncomeRecorded => "Income",
            Self::TechnologyChanged => "Technology",
            Self::IpAssetChanged => "IpAsset",
            Self::EnrollmentChanged => "Enrollment",
            Self::DeadlineReminder => "DeadlineReminder",
        }
    }

    /// As stored and as GraphQL spells it: `DEAL_CHANGED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DealChanged => "DEAL_CHANGED",
            Self::RoyaltyReportChanged => "ROYALTY_REPORT_CHANGED",
            Self::IncomeRecorded => "INCOME_RECORDED",
            Self::TechnologyChanged => "TECHNOLOGY_CHANGED",
            Self::IpAssetChanged => "IP_ASSET_CHANGED",
            Self::EnrollmentChanged => "ENROLLMENT_CHANGED",
            Self::DeadlineReminder => "DEADLINE_REMINDER",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The payload's `type` (Standard Webhooks style): `deal.changed`.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::DealChanged => "deal.changed",
            Self::RoyaltyReportChanged => "royaltyReport.changed",
            Self::IncomeRecorded => "income.recorded",
            Self::TechnologyChanged => "technology.changed",
            Self::IpAssetChanged => "ipAsset.changed",
            Self::EnrollmentChanged => "enrollment.changed",
            Self::DeadlineReminder => "deadline.reminder",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in WebhookEventKind::ALL {
            assert_eq!(WebhookEventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(WebhookEventKind::of_entity(kind.entity_type()), Some(kind));
        }
        assert_eq!(WebhookEventKind::of_entity("User"), None);
        assert_eq!(WebhookEventKind::parse("deal.changed"), None);
    }
}
