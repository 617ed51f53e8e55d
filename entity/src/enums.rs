//! The domain's closed vocabularies.
//!
//! Every enum is stored as a string column holding its SCREAMING_CASE name (the same spelling
//! GraphQL and serde use), guarded in the database by a `CHECK (col IN (...))` written in the
//! migration. Adding a variant therefore needs a migration too.
//!
//! The state machines over these vocabularies are domain rules: they live in the service layer
//! beside the code that applies them.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A geographic region the center groups its members by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Region {
    /// China's Yangtze River Delta (Shanghai, Jiangsu, Zhejiang, Anhui).
    #[sea_orm(string_value = "YANGTZE_RIVER_DELTA")]
    YangtzeRiverDelta,
    /// The Balkan Peninsula.
    #[sea_orm(string_value = "BALKAN_PENINSULA")]
    BalkanPeninsula,
    /// Anywhere else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// What kind of organisation an institution is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum InstitutionKind {
    /// A university or other higher-education institution.
    #[sea_orm(string_value = "UNIVERSITY")]
    University,
    /// A hospital or clinical centre.
    #[sea_orm(string_value = "HOSPITAL")]
    Hospital,
    /// A research institute outside a university.
    #[sea_orm(string_value = "RESEARCH_INSTITUTE")]
    ResearchInstitute,
    /// A company.
    #[sea_orm(string_value = "COMPANY")]
    Company,
    /// A government or funding agency.
    #[sea_orm(string_value = "AGENCY")]
    Agency,
}

/// An institution's standing in the innovation center.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Membership {
    /// Has asked to join; not yet a member.
    #[sea_orm(string_value = "APPLICANT")]
    Applicant,
    /// A full member of the consortium.
    #[sea_orm(string_value = "MEMBER")]
    Member,
    /// Follows the center's work without full membership.
    #[sea_orm(string_value = "OBSERVER")]
    Observer,
    /// Membership suspended: treated as a non-member.
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
}

/// A user's role, which bounds what the user may see and do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Role {
    /// Staff of the innovation center: sees and manages everything.
    #[sea_orm(string_value = "CENTER_ADMIN")]
    CenterAdmin,
    /// Manages the users and API tokens of their own institution.
    #[sea_orm(string_value = "INSTITUTION_ADMIN")]
    InstitutionAdmin,
    /// A regular member of an institution: writes their institution's records.
    #[sea_orm(string_value = "MEMBER")]
    Member,
    /// Reads cross-institution statistics; read only.
    #[sea_orm(string_value = "ANALYST")]
    Analyst,
    /// A user of an external organisation that licenses a technology: sees the deals it is the
    /// recipient of and reports royalties on them, nothing else.
    #[sea_orm(string_value = "LICENSEE")]
    Licensee,
}

/// The field of medicine or life science a technology belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum TechnologyField {
    /// Drugs, biologics, vaccines and other therapies.
    #[sea_orm(string_value = "THERAPEUTICS")]
    Therapeutics,
    /// In-vitro and in-vivo diagnostics.
    #[sea_orm(string_value = "DIAGNOSTICS")]
    Diagnostics,
    /// Medical devices and instruments.
    #[sea_orm(string_value = "MEDICAL_DEVICE")]
    MedicalDevice,
    /// Software, data and AI for health care.
    #[sea_orm(string_value = "DIGITAL_HEALTH")]
    DigitalHealth,
    /// Biomaterials and tissue engineering.
    #[sea_orm(string_value = "BIOMATERIALS")]
    Biomaterials,
    /// Tools, reagents and methods for research.
    #[sea_orm(string_value = "RESEARCH_TOOL")]
    ResearchTool,
    /// Traditional Chinese medicine and other traditional medicine.
    #[sea_orm(string_value = "TRADITIONAL_MEDICINE")]
    TraditionalMedicine,
    /// Any other field.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a technology stands in the transfer process.
///
/// `DISCLOSED → ASSESSMENT → PROTECTION → MARKETING → {LICENSED, SPUN_OUT}`; any stage →
/// `ARCHIVED`; `ARCHIVED → ASSESSMENT`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum TechnologyStage {
    /// Disclosed by its inventors to the technology-transfer office.
    #[sea_orm(string_value = "DISCLOSED")]
    Disclosed,
    /// Being assessed for novelty and market potential.
    #[sea_orm(string_value = "ASSESSMENT")]
    Assessment,
    /// Intellectual-property protection under way.
    #[sea_orm(string_value = "PROTECTION")]
    Protection,
    /// Offered to licensees and partners.
    #[sea_orm(string_value = "MARKETING")]
    Marketing,
    /// Licensed or assigned to a partner.
    #[sea_orm(string_value = "LICENSED")]
    Licensed,
    /// Transferred into a venture.
    #[sea_orm(string_value = "SPUN_OUT")]
    SpunOut,
    /// No longer pursued (may be reopened for assessment).
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// Who may see a record beyond its owners.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Visibility {
    /// Everyone, anonymous visitors included.
    #[sea_orm(string_value = "PUBLIC")]
    Public,
    /// Any member institution of the consortium.
    #[sea_orm(string_value = "CONSORTIUM")]
    Consortium,
    /// Only the owner and the institutions involved (IP co-owners, deal parties).
    #[sea_orm(string_value = "CONFIDENTIAL")]
    Confidential,
}

/// A medical-device risk class under the Chinese (NMPA) or European (EU MDR) regulation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RegulatoryClass {
    /// NMPA class I (low risk).
    #[sea_orm(string_value = "NMPA_I")]
    NmpaI,
    /// NMPA class II (moderate risk).
    #[sea_orm(string_value = "NMPA_II")]
    NmpaIi,
    /// NMPA class III (high risk).
    #[sea_orm(string_value = "NMPA_III")]
    NmpaIii,
    /// EU MDR class I.
    #[sea_orm(string_value = "EU_MDR_I")]
    EuMdrI,
    /// EU MDR class IIa.
    #[sea_orm(string_value = "EU_MDR_IIA")]
    EuMdrIia,
    /// EU MDR class IIb.
    #[sea_orm(string_value = "EU_MDR_IIB")]
    EuMdrIib,
    /// EU MDR class III.
    #[sea_orm(string_value = "EU_MDR_III")]
    EuMdrIii,
}

/// How far a technology has come in clinical development.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ClinicalStage {
    /// Clinical development does not apply (e.g. a research tool).
    #[sea_orm(string_value = "NOT_APPLICABLE")]
    NotApplicable,
    /// Laboratory and animal studies.
    #[sea_orm(string_value = "PRECLINICAL")]
    Preclinical,
    /// Phase I clinical trial.
    #[sea_orm(string_value = "PHASE_I")]
    PhaseI,
    /// Phase II clinical trial.
    #[sea_orm(string_value = "PHASE_II")]
    PhaseIi,
    /// Phase III clinical trial.
    #[sea_orm(string_value = "PHASE_III")]
    PhaseIii,
    /// Approved for the market.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
}

/// The kind of an intellectual-property right.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpKind {
    /// An invention patent (20-year term).
    #[sea_orm(string_value = "INVENTION_PATENT")]
    InventionPatent,
    /// A utility model (in China: 10-year term).
    #[sea_orm(string_value = "UTILITY_MODEL")]
    UtilityModel,
    /// An industrial design.
    #[sea_orm(string_value = "DESIGN")]
    Design,
    /// An international application under the Patent Cooperation Treaty.
    #[sea_orm(string_value = "PCT_APPLICATION")]
    PctApplication,
    /// A trademark.
    #[sea_orm(string_value = "TRADEMARK")]
    Trademark,
    /// A registered software copyright.
    #[sea_orm(string_value = "SOFTWARE_COPYRIGHT")]
    SoftwareCopyright,
    /// Know-how kept as a trade secret.
    #[sea_orm(string_value = "TRADE_SECRET")]
    TradeSecret,
}

/// The prosecution status of an IP asset.
///
/// `DRAFTING → FILED → PUBLISHED → UNDER_EXAMINATION → {GRANTED, REFUSED}`;
/// `FILED|PUBLISHED|UNDER_EXAMINATION → ABANDONED`; `GRANTED → {LAPSED, EXPIRED}`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpStatus {
    /// Being drafted; not filed yet.
    #[sea_orm(string_value = "DRAFTING")]
    Drafting,
    /// Filed with the office; not published yet.
    #[sea_orm(string_value = "FILED")]
    Filed,
    /// Published by the office.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Under substantive examination.
    #[sea_orm(string_value = "UNDER_EXAMINATION")]
    UnderExamination,
    /// Granted and in force.
    #[sea_orm(string_value = "GRANTED")]
    Granted,
    /// Refused by the office.
    #[sea_orm(string_value = "REFUSED")]
    Refused,
    /// Abandoned by the applicant before grant.
    #[sea_orm(string_value = "ABANDONED")]
    Abandoned,
    /// Lapsed after grant (e.g. an unpaid renewal fee).
    #[sea_orm(string_value = "LAPSED")]
    Lapsed,
    /// Reached the end of its term.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

impl IpStatus {
    /// Not yet published (`DRAFTING` or `FILED`): visible to owners and co-owners only.
    pub fn is_unpublished(self) -> bool {
        matches!(self, IpStatus::Drafting | IpStatus::Filed)
    }
}

/// The kind of an IP cost.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpCostKind {
    /// An office's fee: filing, search, examination, grant, annuity, renewal. Fees paid by
    /// marking a docket deadline done are costs of this kind without being recorded twice.
    #[sea_orm(string_value = "OFFICIAL_FEE")]
    OfficialFee,
    /// A patent attorney's or agent's fee.
    #[sea_orm(string_value = "ATTORNEY_FEE")]
    AttorneyFee,
    /// Anything else: translations, searches by third parties, couriers.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// How an institution distributes the income of its technologies.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DistributionPolicy {
    /// The whole income is distributed (the default).
    #[default]
    #[sea_orm(string_value = "GROSS")]
    Gross,
    /// The technology's unrecovered IP costs (costs minus licensees' reimbursements, in the
    /// income's currency) are deducted first, carried forward until recovered (China's 2015
    /// transfer law, art. 45: the inventors' reward comes from the net income).
    #[sea_orm(string_value = "NET_OF_UNREIMBURSED_COSTS")]
    NetOfUnreimbursedCosts,
}

/// What became of a statutory deadline of an IP asset, once someone recorded it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DeadlineResolution {
    /// The act was done: the fee paid, the application filed, the phase entered.
    #[sea_orm(string_value = "DONE")]
    Done,
    /// A decision not to act: the right it keeps alive goes when the (grace) period ends.
    #[sea_orm(string_value = "WAIVED")]
    Waived,
}

/// The kind of a transfer agreement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DealKind {
    /// An exclusive licence.
    #[sea_orm(string_value = "EXCLUSIVE_LICENSE")]
    ExclusiveLicense,
    /// A non-exclusive licence.
    #[sea_orm(string_value = "NON_EXCLUSIVE_LICENSE")]
    NonExclusiveLicense,
    /// An assignment (transfer of ownership).
    #[sea_orm(string_value = "ASSIGNMENT")]
    Assignment,
    /// An option to take a licence later.
    #[sea_orm(string_value = "OPTION")]
    Option,
    /// A joint-development agreement.
    #[sea_orm(string_value = "JOINT_DEVELOPMENT")]
    JointDevelopment,
    /// A material-transfer agreement.
    #[sea_orm(string_value = "MATERIAL_TRANSFER")]
    MaterialTransfer,
    /// A confidentiality (non-disclosure) agreement.
    #[sea_orm(string_value = "CONFIDENTIALITY")]
    Confidentiality,
    /// A contract research service.
    #[sea_orm(string_value = "RESEARCH_SERVICE")]
    ResearchService,
    /// Technology contributed to a company in exchange for shares (China: 作价投资).
    #[sea_orm(string_value = "EQUITY_CONTRIBUTION")]
    EquityContribution,
}

impl DealKind {
    /// Licences and options: what the yearly "licences and options executed" metric counts.
    pub fn is_license_or_option(self) -> bool {
        matches!(
            self,
            DealKind::ExclusiveLicense | DealKind::NonExclusiveLicense | DealKind::Option
        )
    }
}

/// Where a deal stands.
///
/// `LEAD → NEGOTIATION → TERM_SHEET → SIGNED → ACTIVE → COMPLETED`; any open stage → `LOST`
/// (before signing) or `TERMINATED` (after signing).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DealStage {
    /// A first contact with a prospective partner.
    #[sea_orm(string_value = "LEAD")]
    Lead,
    /// Terms under negotiation.
    #[sea_orm(string_value = "NEGOTIATION")]
    Negotiation,
    /// A term sheet has been agreed.
    #[sea_orm(string_value = "TERM_SHEET")]
    TermSheet,
    /// The agreement is signed.
    #[sea_orm(string_value = "SIGNED")]
    Signed,
    /// The agreement is in force.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// The agreement ran its course.
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Abandoned before signing.
    #[sea_orm(string_value = "LOST")]
    Lost,
    /// Ended early after signing.
    #[sea_orm(string_value = "TERMINATED")]
    Terminated,
}

impl DealStage {
    /// Not yet in a final stage.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            DealStage::Completed | DealStage::Lost | DealStage::Terminated
        )
    }

    /// The agreement has been signed (`SIGNED`, `ACTIVE`, `COMPLETED`, `TERMINATED`).
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            DealStage::Signed | DealStage::Active | DealStage::Completed | DealStage::Terminated
        )
    }
}

/// The review status of a royalty report.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RoyaltyReportStatus {
    /// Submitted by the licensee; awaiting the provider's decision.
    #[sea_orm(string_value = "SUBMITTED")]
    Submitted,
    /// Accepted by the provider.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// Disputed by the provider.
    #[sea_orm(string_value = "DISPUTED")]
    Disputed,
}

/// What a received payment was for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IncomeKind {
    /// An upfront fee paid on signing.
    #[sea_orm(string_value = "UPFRONT")]
    Upfront,
    /// A minimum annual royalty.
    #[sea_orm(string_value = "ANNUAL_MINIMUM")]
    AnnualMinimum,
    /// A running royalty on sales.
    #[sea_orm(string_value = "ROYALTY")]
    Royalty,
    /// A milestone payment.
    #[sea_orm(string_value = "MILESTONE")]
    Milestone,
    /// A share of sublicensing income.
    #[sea_orm(string_value = "SUBLICENSE")]
    Sublicense,
    /// Proceeds from equity (e.g. sold shares in a licensee).
    #[sea_orm(string_value = "EQUITY")]
    Equity,
}

/// Where a venture stands in incubation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum VentureStage {
    /// Applied to the incubator.
    #[sea_orm(string_value = "APPLICATION")]
    Application,
    /// Being incubated.
    #[sea_orm(string_value = "INCUBATING")]
    Incubating,
    /// Left the incubator as a going concern.
    #[sea_orm(string_value = "GRADUATED")]
    Graduated,
    /// Stopped.
    #[sea_orm(string_value = "DISCONTINUED")]
    Discontinued,
}

/// The kind of a talent-training program.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ProgramKind {
    /// Training for teachers and faculty.
    #[sea_orm(string_value = "TEACHER_TRAINING")]
    TeacherTraining,
    /// A student exchange between institutions.
    #[sea_orm(string_value = "STUDENT_EXCHANGE")]
    StudentExchange,
    /// A research fellowship.
    #[sea_orm(string_value = "FELLOWSHIP")]
    Fellowship,
    /// A short course.
    #[sea_orm(string_value = "SHORT_COURSE")]
    ShortCourse,
    /// A joint degree program.
    #[sea_orm(string_value = "JOINT_DEGREE")]
    JointDegree,
    /// A workshop.
    #[sea_orm(string_value = "WORKSHOP")]
    Workshop,
}

/// The status of a person's enrollment in a training program.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum EnrollmentStatus {
    /// Applied; awaiting the host's decision.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// Accepted (counts against the program's capacity).
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// On the waiting list.
    #[sea_orm(string_value = "WAITLISTED")]
    Waitlisted,
    /// Rejected by the host.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Completed the program.
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Withdrawn by the participant.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// The kind of a cooperation agreement between members.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AgreementKind {
    /// A memorandum of understanding.
    #[sea_orm(string_value = "MOU")]
    Mou,
    /// A framework agreement.
    #[sea_orm(string_value = "FRAMEWORK")]
    Framework,
    /// A research-collaboration agreement.
    #[sea_orm(string_value = "RESEARCH_COLLABORATION")]
    ResearchCollaboration,
    /// A staff or student exchange agreement.
    #[sea_orm(string_value = "EXCHANGE")]
    Exchange,
}

/// The status of a cooperation agreement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum AgreementStatus {
    /// Being drafted.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Signed and in force.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Past its expiry date.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
    /// Ended early.
    #[sea_orm(string_value = "TERMINATED")]
    Terminated,
}

/// What a proposed change of a jointly owned IP asset does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpChangeKind {
    /// Replaces the co-owners and their shares.
    #[sea_orm(string_value = "OWNERSHIP")]
    Ownership,
    /// Moves the asset to ABANDONED.
    #[sea_orm(string_value = "ABANDONMENT")]
    Abandonment,
}

/// Where a proposed change of a jointly owned IP asset stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpChangeStatus {
    /// Waiting for the approval of one or more co-owners.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Approved by every co-owner it needed, and carried out.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// A co-owner whose approval it needed refused it.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Its proposer took it back.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
    /// The asset's ownership or status changed before it was decided; propose again.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// A co-owner's answer to a proposed change.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum IpApprovalDecision {
    /// Not answered yet.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Consented.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Refused.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    /// The stored value, the serde name and (with `graphql`) the GraphQL name agree.
    fn check_names<E>()
    where
        E: ActiveEnum<Value = String> + Iterable + Serialize + std::fmt::Debug + Copy,
    {
        for v in E::iter() {
            let stored = v.to_value();
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, serde_json::Value::String(stored.clone()), "{v:?}");
            assert!(stored.len() <= 32);
        }
    }

    #[cfg(feature = "graphql")]
    fn check_graphql<E>()
    where
        E: ActiveEnum<Value = String> + Iterable + async_graphql::EnumType + std::fmt::Debug,
    {
        for item in E::items() {
            assert_eq!(item.name, item.value.to_value(), "{:?}", item.value);
        }
    }

    macro_rules! check_all {
        ($($e:ty),* $(,)?) => {{
            $(check_names::<$e>();)*
            #[cfg(feature = "graphql")]
            { $(check_graphql::<$e>();)* }
        }};
    }

    #[test]
    fn names_agree() {
        check_all!(
            Region,
            InstitutionKind,
            Membership,
            Role,
            TechnologyField,
            TechnologyStage,
            Visibility,
            RegulatoryClass,
            ClinicalStage,
            IpKind,
            IpStatus,
            DealKind,
            DealStage,
            RoyaltyReportStatus,
            IncomeKind,
            VentureStage,
            ProgramKind,
            EnrollmentStatus,
            AgreementKind,
            AgreementStatus,
            IpChangeKind,
            IpChangeStatus,
            IpApprovalDecision,
            IpCostKind,
            DistributionPolicy,
        );
    }
}

/// How exclusive a licence is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum Exclusivity {
    /// Only the licensee may use the technology in the field, territory and term — not even the
    /// licensor.
    #[sea_orm(string_value = "EXCLUSIVE")]
    Exclusive,
    /// The licensee and the licensor, but no other licensee.
    #[sea_orm(string_value = "SOLE")]
    Sole,
    /// Any number of licensees.
    #[sea_orm(string_value = "NON_EXCLUSIVE")]
    NonExclusive,
}

/// Where a webhook delivery stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum WebhookDeliveryStatus {
    /// Not delivered yet: waiting for its first attempt or for a retry.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// The endpoint answered with a 2xx status.
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// Given up: retries ran out, or the institution may no longer see the object.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
