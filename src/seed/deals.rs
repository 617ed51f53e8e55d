//! Transfer deals with their stage history, royalty reports and income.

use chrono::NaiveDate;
use entity::enums::{DealKind, DealStage, IncomeKind, RoyaltyReportStatus};
use entity::{deal, deal_event, income, royalty_report};
use sea_orm::{ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::{Ctx, at, date};

pub(super) enum Recipient {
    /// A partner institution, by slug.
    Institution(&'static str),
    /// An external organisation: name, ISO 3166-1 alpha-2 country.
    External(&'static str, &'static str),
}

pub(super) struct DealRow {
    pub technology: &'static str,
    pub kind: DealKind,
    pub provider: &'static str,
    pub recipient: Recipient,
    pub stage: DealStage,
    pub territory: &'static str,
    pub upfront_amount: Option<i64>,
    pub royalty_bp: Option<i32>,
    pub currency: &'static str,
    /// The total agreed amount, minor units of `currency`.
    pub contract_value: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    /// The stage history, oldest first: (stage reached, on, actor, note). The actor is a demo
    /// user's e-mail (then linked to the user) or a label.
    pub events: &'static [(DealStage, NaiveDate, &'static str, &'static str)],
    /// (period start, period end, net sales, status, submitted by, decided on); the royalty due
    /// is the net sales times the deal's royalty rate.
    pub royalty_reports: &'static [RoyaltyRow],
    /// (kind, amount, received on), in the deal's currency.
    pub incomes: &'static [(IncomeKind, i64, NaiveDate)],
}

pub(super) type RoyaltyRow = (
    NaiveDate,
    NaiveDate,
    i64,
    RoyaltyReportStatus,
    &'static str,
    Option<NaiveDate>,
);

use DealStage::{Active, Lead, Negotiation, Signed, TermSheet};

pub(super) const DEALS: &[DealRow] = &[
    // The center's flagship cross-border licence: SUMHS's sepsis assay to Banja Luka.
    DealRow {
        technology: "SUMHS-2025-001",
        kind: DealKind::ExclusiveLicense,
        provider: "sumhs",
        recipient: Recipient::Institution("unibl"),
        stage: Active,
        territory: "Western Balkans",
        upfront_amount: Some(1_500_000),
        royalty_bp: Some(350),
        currency: "EUR",
        contract_value: Some(6_000_000),
        signed_on: Some(date(2025, 7, 8)),
        events: &[
            (
                Lead,
                date(2025, 2, 10),
                "manager@sumhs.example",
                "First contact at the Shanghai – Banja Luka partnering day.",
            ),
            (
                Negotiation,
                date(2025, 3, 20),
                "manager@sumhs.example",
                "Exclusivity for the Western Balkans requested by the University of Banja Luka.",
            ),
            (
                TermSheet,
                date(2025, 5, 6),
                "manager@sumhs.example",
                "Term sheet agreed: EUR 15,000 upfront, 3.5% royalty on net sales.",
            ),
            (
                Signed,
                date(2025, 7, 8),
                "manager@sumhs.example",
                "Licence signed in Banja Luka.",
            ),
            (
                Active,
                date(2025, 8, 6),
                "manager@sumhs.example",
                "Upfront payment received; licence in force.",
            ),
        ],
        royalty_reports: &[
            (
                date(2025, 8, 1),
                date(2025, 12, 31),
                8_460_000,
                RoyaltyReportStatus::Accepted,
                "member@unibl.example",
                Some(date(2026, 2, 16)),
            ),
            (
                date(2026, 1, 1),
                date(2026, 6, 30),
                12_350_000,
                RoyaltyReportStatus::Submitted,
                "member@unibl.example",
                None,
            ),
        ],
        incomes: &[
            (IncomeKind::Upfront, 1_500_000, date(2025, 8, 5)),
            (IncomeKind::Royalty, 296_100, date(2026, 2, 27)),
        ],
    },
    // Banja Luka's immortelle extract, offered to a Serbian pharmaceutical company.
    DealRow {
        technology: "UNIBL-2025-002",
        kind: DealKind::ExclusiveLicense,
        provider: "unibl",
        recipient: Recipient::External("Hemofarm a.d.", "RS"),
        stage: Negotiation,
        territory: "Serbia, Montenegro and North Macedonia",
        upfront_amount: Some(2_500_000),
        royalty_bp: Some(450),
        currency: "EUR",
        contract_value: None,
        signed_on: None,
        events: &[
            (
                Lead,
                date(2025, 10, 2),
                "manager@unibl.example",
                "Enquiry from Hemofarm's OTC portfolio team after the Belgrade partnering event.",
            ),
            (
                Negotiation,
                date(2025, 12, 15),
                "manager@unibl.example",
                "Draft licence sent; open points: territory and annual minimum royalty.",
            ),
        ],
        royalty_reports: &[],
        incomes: &[],
    },
    // An option on Zhejiang's bone scaffold for the University of Zagreb's orthopaedic clinic.
    DealRow {
        technology: "ZJU-2025-001",
        kind: DealKind::Option,
        provider: "zju",
        recipient: Recipient::Institution("unizg"),
        stage: TermSheet,
        territory: "Croatia and Slovenia",
        upfront_amount: Some(2_000_000),
        royalty_bp: None,
        currency: "EUR",
        contract_value: None,
        signed_on: None,
        events: &[
            (
                Lead,
                date(2026, 3, 2),
                "ZJU Technology Transfer Center",
                "Interest raised at the center's annual forum in Hangzhou.",
            ),
            (
                Negotiation,
                date(2026, 5, 14),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                TermSheet,
                date(2026, 10, 6),
                "ZJU Technology Transfer Center",
                "Twelve-month option for EUR 20,000 while a clinical study is prepared.",
            ),
        ],
        royalty_reports: &[],
        incomes: &[],
    },
    // Fudan's ECG app, licensed non-exclusively to a Shanghai digital-health company.
    DealRow {
        technology: "FUDAN-2025-002",
        kind: DealKind::NonExclusiveLicense,
        provider: "fudan",
        recipient: Recipient::External("Shanghai Xinmai Digital Health Co., Ltd.", "CN"),
        stage: Active,
        territory: "Mainland China",
        upfront_amount: Some(30_000_000),
        royalty_bp: Some(600),
        currency: "CNY",
        contract_value: Some(120_000_000),
        signed_on: Some(date(2025, 11, 18)),
        events: &[
            (
                Lead,
                date(2025, 6, 3),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Negotiation,
                date(2025, 7, 21),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                TermSheet,
                date(2025, 9, 26),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Signed,
                date(2025, 11, 18),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Active,
                date(2025, 12, 5),
                "Fudan Technology Transfer Office",
                "Upfront fee received.",
            ),
        ],
        royalty_reports: &[],
        incomes: &[
            (IncomeKind::Upfront, 30_000_000, date(2025, 12, 5)),
            (IncomeKind::Royalty, 8_500_000, date(2026, 3, 31)),
            (IncomeKind::Royalty, 9_250_000, date(2026, 6, 30)),
            (IncomeKind::Royalty, 10_125_000, date(2026, 9, 30)),
        ],
    },
];

pub(super) async fn load(ctx: &Ctx<'_>, rows: &[DealRow]) -> anyhow::Result<()> {
    let now = ctx.now;
    let (mut deals, mut events, mut reports, mut incomes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in rows {
        let id = Uuid::now_v7();
        let (recipient_institution_id, recipient_external_name, recipient_external_country) =
            match d.recipient {
                Recipient::Institution(slug) => (Some(ctx.institution(slug)?), None, None),
                Recipient::External(name, country) => {
                    (None, Some(name.to_owned()), Some(country.to_owned()))
                }
            };
        deals.push(deal::ActiveModel {
            id: Set(id),
            technology_id: Set(ctx.technology(d.technology)?),
            kind: Set(d.kind),
            provider_id: Set(ctx.institution(d.provider)?),
            recipient_institution_id: Set(recipient_institution_id),
            recipient_external_name: Set(recipient_external_name),
            recipient_external_country: Set(recipient_external_country),
            stage: Set(d.stage),
            territory: Set(Some(d.territory.to_owned())),
            upfront_amount: Set(d.upfront_amount),
            royalty_bp: Set(d.royalty_bp),
            currency: Set(d.currency.to_owned()),
            contract_value: Set(d.contract_value),
            signed_on: Set(d.signed_on),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        });

        let mut from = None;
        for &(to, on, actor, note) in d.events {
            events.push(deal_event::ActiveModel {
                id: Set(Uuid::now_v7()),
                deal_id: Set(id),
                from_stage: Set(from),
                to_stage: Set(to),
                at: Set(at(on, 10)),
                actor_user_id: Set(ctx.users.get(actor).copied()),
                actor_label: Set(actor.to_owned()),
                note: Set((!note.is_empty()).then(|| note.to_owned())),
                created_at: Set(now),
            });
            from = Some(to);
        }
        anyhow::ensure!(
            from == Some(d.stage),
            "the history of a deal on {} ends elsewhere",
            d.technology
        );

        let rate = i64::from(d.royalty_bp.unwrap_or(0));
        for &(start, end, net_sales, status, submitter, decided_on) in d.royalty_reports {
            reports.push(royalty_report::ActiveModel {
                id: Set(Uuid::now_v7()),
                deal_id: Set(id),
                period_start: Set(start),
                period_end: Set(end),
                net_sales: Set(net_sales),
                royalty_due: Set(net_sales * rate / 10_000),
                currency: Set(d.currency.to_owned()),
                submitted_by: Set(Some(ctx.user(submitter)?)),
                submitted_by_api_token_id: Set(None),
                status: Set(status),
                decided_at: Set(decided_on.map(|on| at(on, 9))),
                dispute_reason: Set((status == RoyaltyReportStatus::Disputed)
                    .then(|| "net sales do not match the distributor's statement".to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
        for &(kind, amount, received_on) in d.incomes {
            incomes.push(income::ActiveModel {
                id: Set(Uuid::now_v7()),
                deal_id: Set(id),
                kind: Set(kind),
                amount: Set(amount),
                currency: Set(d.currency.to_owned()),
                received_on: Set(received_on),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    deal::Entity::insert_many(deals)
        .exec_without_returning(ctx.txn)
        .await?;
    deal_event::Entity::insert_many(events)
        .exec_without_returning(ctx.txn)
        .await?;
    if !reports.is_empty() {
        royalty_report::Entity::insert_many(reports)
            .exec_without_returning(ctx.txn)
            .await?;
    }
    income::Entity::insert_many(incomes)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
