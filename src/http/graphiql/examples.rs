//! The example tabs GraphiQL opens with: one per kind of user (analyst, frontend, partner
//! system), each a `.graphql` file beside this module. The test suite runs every one of them.

/// Who an example is written for; the tests run it with that kind of credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone; richer when signed in.
    Everyone,
    /// An `ANALYST` (or center admin): cross-institution statistics.
    Analyst,
    /// A web frontend acting for a signed-in member.
    Frontend,
    /// A partner institution's system with an API token (`deal:read`, `deal:write`).
    PartnerSystem,
}

/// One GraphiQL tab.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    pub audience: Audience,
    /// The document; its first operation names the tab.
    pub query: &'static str,
    /// The variables pane (JSON), empty when none are needed.
    pub variables: &'static str,
}

/// The tabs, in the order GraphiQL shows them.
pub const EXAMPLES: &[Example] = &[
    Example {
        audience: Audience::Everyone,
        query: include_str!("examples/welcome.graphql"),
        variables: "",
    },
    Example {
        audience: Audience::Analyst,
        query: include_str!("examples/statistics_by_year.graphql"),
        variables: "",
    },
    Example {
        audience: Audience::Analyst,
        query: include_str!("examples/cross_border_matrix.graphql"),
        variables: "",
    },
    Example {
        audience: Audience::Analyst,
        query: include_str!("examples/licence_income.graphql"),
        variables: "",
    },
    Example {
        audience: Audience::Frontend,
        query: include_str!("examples/technology_list.graphql"),
        variables: "",
    },
    Example {
        audience: Audience::PartnerSystem,
        query: include_str!("examples/royalty_report.graphql"),
        variables: r#"{
  "input": {
    "dealId": "<the id of a deal from ActiveLicences>",
    "periodStart": "2027-01-01",
    "periodEnd": "2027-06-30",
    "netSales": { "amount": "120000.00", "currency": "EUR" },
    "royaltyDue": { "amount": "4200.00", "currency": "EUR" }
  }
}"#,
    },
];

/// What GraphiQL shows first (the welcome tab).
pub const DEFAULT_QUERY: &str = include_str!("examples/welcome.graphql");
