//! BioBridge's domain model as sea-orm entities: one module per table, plus [`enums`].
//!
//! No I/O logic here. The schema itself is created by the `migration` crate; keep the two in
//! step (the migration crate's tests insert a row into every table through these entities).

pub mod enums;
pub mod prelude;
pub mod search;

pub mod agreement;
pub mod agreement_party;
pub mod api_token;
pub mod audit_event;
pub mod calendar_feed_token;
pub mod deadline_record;
pub mod deadline_reminder;
pub mod deadline_reopening;
pub mod deal;
pub mod deal_event;
pub mod deal_milestone;
pub mod distribution_policy;
pub mod enrollment;
pub mod exchange_rate;
pub mod external_organization;
pub mod idempotency_key;
pub mod income;
pub mod institution;
pub mod institution_email_domain;
pub mod ip_asset;
pub mod ip_change;
pub mod ip_change_approval;
pub mod ip_cost;
pub mod ip_ownership;
pub mod ip_reimbursement;
pub mod ip_responsible;
pub mod licensee_invitation;
pub mod person;
pub mod royalty_report;
pub mod security_review;
pub mod technology;
pub mod technology_inventor;
pub mod technology_reader;
pub mod technology_translation;
pub mod training_program;
pub mod user;
pub mod venture;
pub mod venture_equity_change;
pub mod venture_founder;
pub mod venture_milestone;
pub mod webhook;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_event;
