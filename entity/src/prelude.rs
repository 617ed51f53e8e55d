//! The entities under their usual short names: `use entity::prelude::*;`.

pub use super::agreement::Entity as Agreement;
pub use super::agreement_party::Entity as AgreementParty;
pub use super::api_token::Entity as ApiToken;
pub use super::audit_event::Entity as AuditEvent;
pub use super::deadline_record::Entity as DeadlineRecord;
pub use super::deal::Entity as Deal;
pub use super::deal_event::Entity as DealEvent;
pub use super::deal_milestone::Entity as DealMilestone;
pub use super::enrollment::Entity as Enrollment;
pub use super::exchange_rate::Entity as ExchangeRate;
pub use super::income::Entity as Income;
pub use super::institution::Entity as Institution;
pub use super::ip_asset::Entity as IpAsset;
pub use super::ip_ownership::Entity as IpOwnership;
pub use super::ip_responsible::Entity as IpResponsible;
pub use super::person::Entity as Person;
pub use super::royalty_report::Entity as RoyaltyReport;
pub use super::technology::Entity as Technology;
pub use super::technology_inventor::Entity as TechnologyInventor;
pub use super::technology_translation::Entity as TechnologyTranslation;
pub use super::training_program::Entity as TrainingProgram;
pub use super::user::Entity as User;
pub use super::venture::Entity as Venture;
pub use super::venture_equity_change::Entity as VentureEquityChange;
pub use super::venture_founder::Entity as VentureFounder;
pub use super::venture_milestone::Entity as VentureMilestone;
