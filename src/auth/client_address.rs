//! The client's network address, which anonymous callers are throttled and charged by.
//!
//! It is the TCP peer, unless the peer is a configured trusted proxy: then the
//! `X-Forwarded-For` chain is read from the right, skipping trusted proxies, and the first
//! address that is not one is the client. A client cannot escape its throttle by sending its
//! own `X-Forwarded-For`: without a trusted proxy in front, the header is ignored.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::http::HeaderMap;

/// The address a request came from, as far as this server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// When the server was not told the peer (a request handed to the router directly).
    pub const UNKNOWN: ClientAddress = ClientAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED));

    /// The client behind `peer`, trusting `X-Forwarded-For` only as far as `proxies` say.
    pub fn resolve(
        peer: Option<SocketAddr>,
        headers: &HeaderMap,
        proxies: &TrustedProxies,
    ) -> ClientAddress {
        let Some(peer) = peer.map(|p| canonical(p.ip())) else {
            return ClientAddress::UNKNOWN;
        };
        if !proxies.contains(peer) {
            return ClientAddress(peer);
        }
        let mut client = peer;
        // Every header line, in order, is one list; the right end is the nearest hop.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Garbage from beyond the proxy: the last address vouched for is all we know.
                break;
            };
            client = ip;
            if !proxies.contains(ip) {
                break;
            }
        }
        ClientAddress(client)
    }
}

/// `192.0.2.1`, `[2001:db8::1]:443` or `192.0.2.1:80` → the IP.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// IPv4-mapped IPv6 addresses are the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Networks whose `X-Forwarded-For` is believed (`BIOBRIDGE_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses addresses and CIDR networks: `10.0.0.0/8`, `127.0.0.1`, `fd00::/8`.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in entries {
            let entry = entry.as_ref().trim();
            let (addr, bits) = match entry.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (entry, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("{entry:?} is not an IP address or CIDR network"))?;
            let ip = canonical(ip);
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("{entry:?} has an invalid prefix length"))?,
            };
            nets.push((ip, bits));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|(net, bits)| in_network(ip, *net, *bits))
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer(s: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(s.parse().unwrap(), 40000))
    }

    fn ip(s: &str) -> ClientAddress {
        ClientAddress(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let headers = xff(&["198.51.100.7"]);
        assert_eq!(
            ClientAddress::resolve(peer("203.0.113.9"), &headers, &none),
            ip("203.0.113.9")
        );
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        assert_eq!(
            ClientAddress::resolve(peer("203.0.113.9"), &headers, &proxies),
            ip("203.0.113.9")
        );
        assert_eq!(
            ClientAddress::resolve(peer("10.1.2.3"), &headers, &proxies),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn the_chain_is_read_from_the_right_and_spoofed_entries_on_the_left_do_not_count() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", "fd00::/8"]).unwrap();
        // The client wrote `1.1.1.1` itself; the proxy appended the real address.
        let headers = xff(&["1.1.1.1, 198.51.100.7", "10.0.0.5"]);
        assert_eq!(
            ClientAddress::resolve(peer("10.0.0.1"), &headers, &proxies),
            ip("198.51.100.7")
        );
        // Only proxies: the leftmost one is the best we know.
        let headers = xff(&["10.0.0.9"]);
        assert_eq!(
            ClientAddress::resolve(peer("10.0.0.1"), &headers, &proxies),
            ip("10.0.0.9")
        );
        // Garbage stops the walk at the last vouched-for hop.
        let headers = xff(&["nonsense, 10.0.0.9"]);
        assert_eq!(
            ClientAddress::resolve(peer("10.0.0.1"), &headers, &proxies),
            ip("10.0.0.9")
        );
        // Ports and IPv4-mapped addresses.
        let headers = xff(&["[2001:db8::1]:443"]);
        assert_eq!(
            ClientAddress::resolve(peer("::ffff:10.0.0.1"), &headers, &proxies),
            ip("2001:db8::1")
        );
        assert_eq!(
            ClientAddress::resolve(None, &headers, &proxies),
            ClientAddress::UNKNOWN
        );
    }

    #[test]
    fn networks_are_parsed_and_checked() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse(&["proxy.example"]).is_err());
        let all = TrustedProxies::parse(&["0.0.0.0/0"]).unwrap();
        assert!(all.contains("192.0.2.1".parse().unwrap()));
        assert!(!all.contains("2001:db8::1".parse().unwrap()));
        let one = TrustedProxies::parse(&["192.0.2.1"]).unwrap();
        assert!(one.contains("192.0.2.1".parse().unwrap()));
        assert!(!one.contains("192.0.2.2".parse().unwrap()));
    }
}
