//! API-token scopes, as DESIGN.md names them.

pub const TECHNOLOGY_READ: &str = "technology:read";
pub const TECHNOLOGY_WRITE: &str = "technology:write";
pub const IP_READ: &str = "ip:read";
pub const IP_WRITE: &str = "ip:write";
pub const DEAL_READ: &str = "deal:read";
pub const DEAL_WRITE: &str = "deal:write";
pub const VENTURE_READ: &str = "venture:read";
pub const VENTURE_WRITE: &str = "venture:write";
pub const TRAINING_READ: &str = "training:read";
pub const TRAINING_WRITE: &str = "training:write";
pub const STATS_READ: &str = "stats:read";

/// Every scope a token may hold.
pub const ALL: &[&str] = &[
    TECHNOLOGY_READ,
    TECHNOLOGY_WRITE,
    IP_READ,
    IP_WRITE,
    DEAL_READ,
    DEAL_WRITE,
    VENTURE_READ,
    VENTURE_WRITE,
    TRAINING_READ,
    TRAINING_WRITE,
    STATS_READ,
];

/// What a licensee's token may hold: reading its deals (and the technologies they license) and
/// reporting royalties on them.
pub const LICENSEE: &[&str] = &[TECHNOLOGY_READ, DEAL_READ, DEAL_WRITE];
