//! Where webhooks may be sent (SSRF protection): `https` URLs only in production (`http` too
//! in dev), no credentials in the URL, and never to an address inside a private network —
//! loopback, link-local, private, unique-local, shared (CGNAT), unspecified, multicast or
//! reserved, IPv4 carried in IPv6 included — unless `BIOBRIDGE_WEBHOOK_ALLOW_HOSTS` names the
//! host or the address's network. Checked at registration and again at every delivery, on the
//! addresses the connection will use (see `delivery::GuardedResolver`), so a DNS answer that
//! changes after registration (rebinding) does not get through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::Url;

use crate::auth::client_address::TrustedProxies;

/// The longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// The destinations this deployment allows.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    /// `http` is refused (production).
    https_only: bool,
    /// Host names allowed whatever they resolve to (lower case).
    hosts: Vec<String>,
    /// Addresses and networks allowed although internal.
    networks: TrustedProxies,
}

impl Destinations {
    /// From `BIOBRIDGE_WEBHOOK_ALLOW_HOSTS` entries: host names, IP addresses or CIDR networks.
    pub fn new<S: AsRef<str>>(https_only: bool, allow: &[S]) -> Result<Self, String> {
        let (mut hosts, mut networks) = (Vec::new(), Vec::new());
        for entry in allow {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let address_part = entry.split('/').next().unwrap_or(entry);
            let unbracketed = address_part.trim_start_matches('[').trim_end_matches(']');
            if unbracketed.parse::<IpAddr>().is_ok() {
                networks.push(entry.replace(['[', ']'], ""));
            } else if entry.contains('/') {
                return Err(format!(
                    "{entry:?} is not a host name, IP address or network"
                ));
            } else {
                hosts.push(entry.to_ascii_lowercase());
            }
        }
        Ok(Destinations {
            https_only,
            hosts,
            networks: TrustedProxies::parse(&networks)?,
        })
    }

    /// Checks the form of a webhook URL; the `Err` says what is wrong with it.
    pub fn check_url(&self, raw: &str) -> Result<Url, String> {
        if raw.len() > MAX_URL_LEN {
            return Err(format!("a URL has at most {MAX_URL_LEN} characters"));
        }
        let url = Url::parse(raw.trim()).map_err(|e| format!("not a valid URL ({e})"))?;
        match url.scheme() {
            "https" => {}
            "http" if !self.https_only => {}
            "http" => return Err("webhooks must use https".into()),
            other => return Err(format!("webhooks use https, not {other}")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("a webhook URL carries no user name or password".into());
        }
        if url.host().is_none() {
            return Err("the URL names no host".into());
        }
        if url.fragment().is_some() {
            return Err("a webhook URL has no #fragment".into());
        }
        Ok(url)
    }

    /// Whether `host` (as the URL spells it) is on the allow-list by name.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    /// Whether a connection to `ip` for a URL naming `host` is allowed.
    pub fn address_allowed(&self, host: &str, ip: IpAddr) -> bool {
        self.host_allowed(host) || self.networks.contains(canonical(ip)) || !is_internal(ip)
    }

    /// Resolves the URL's host and checks every address it names; the `Err` says why not.
    pub async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, String> {
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            _ => tokio::net::lookup_host((host, port))
                .await
                .map_err(|_| format!("the host {host} cannot be resolved"))?
                .collect(),
        };
        self.check_addresses(host, &addresses)?;
        Ok(addresses)
    }

    /// Every address must be allowed: one internal address among public ones is refused too.
    pub fn check_addresses(&self, host: &str, addresses: &[SocketAddr]) -> Result<(), String> {
        if addresses.is_empty() {
            return Err(format!("the host {host} has no address"));
        }
        match addresses
            .iter()
            .find(|a| !self.address_allowed(host, a.ip()))
        {
            Some(refused) => Err(format!(
                "{host} resolves to {}, an address inside a private network; webhooks are \
                 sent to public addresses only (unless BIOBRIDGE_WEBHOOK_ALLOW_HOSTS names it)",
                refused.ip()
            )),
            None => Ok(()),
        }
    }
}

/// IPv4-mapped IPv6 addresses are the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `ip` lies inside a private, local or special-purpose network.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    const NETS: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),      // "this network", unspecified
        ([10, 0, 0, 0], 8),     // private
        ([100, 64, 0, 0], 10),  // shared address space (carrier-grade NAT)
        ([127, 0, 0, 0], 8),    // loopback
        ([169, 254, 0, 0], 16), // link-local (cloud metadata services live here)
        ([172, 16, 0, 0], 12),  // private
        ([192, 0, 0, 0], 24),   // IETF protocol assignments
        ([192, 168, 0, 0], 16), // private
        ([198, 18, 0, 0], 15),  // benchmarking
        ([224, 0, 0, 0], 4),    // multicast
        ([240, 0, 0, 0], 4),    // reserved, broadcast
    ];
    NETS.iter().any(|(net, bits)| in_v4(ip, *net, *bits))
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let bits = u128::from(ip);
    let embedded_v4 = || Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
        return true;
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_internal_v4(v4);
    }
    match segments[0] {
        // Unique-local fc00::/7, link-local fe80::/10, (deprecated) site-local fec0::/10.
        s if s & 0xfe00 == 0xfc00 || s & 0xffc0 == 0xfe80 || s & 0xffc0 == 0xfec0 => true,
        // NAT64 64:ff9b::/96 reaches the IPv4 address it carries.
        0x0064 if segments[1] == 0xff9b && segments[2..6] == [0; 4] => {
            is_internal_v4(embedded_v4())
        }
        // 6to4 2002::/16 carries an IPv4 address in bits 16..48.
        0x2002 => is_internal_v4(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32)),
        // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it).
        0 if segments[..6] == [0; 6] => is_internal_v4(embedded_v4()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(s: &str) -> bool {
        is_internal(s.parse().unwrap())
    }

    #[test]
    fn private_and_special_addresses_are_internal() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(internal(ip), "{ip} should be internal");
        }
    }

    #[test]
    fn public_addresses_are_not() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "192.0.2.10",
            "100.128.0.1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert!(!internal(ip), "{ip} should be public");
        }
    }

    #[test]
    fn urls_are_checked_for_scheme_and_credentials() {
        let dev = Destinations::new::<&str>(false, &[]).unwrap();
        let prod = Destinations::new::<&str>(true, &[]).unwrap();
        assert!(dev.check_url("http://hooks.example/in").is_ok());
        assert!(prod.check_url("https://hooks.example/in").is_ok());
        assert!(
            prod.check_url("http://hooks.example/in")
                .unwrap_err()
                .contains("https")
        );
        assert!(dev.check_url("ftp://hooks.example/").is_err());
        assert!(dev.check_url("file:///etc/passwd").is_err());
        assert!(dev.check_url("https://user:pw@hooks.example/").is_err());
        assert!(dev.check_url("not a url").is_err());
        assert!(
            dev.check_url(&format!("https://h.example/{}", "a".repeat(3000)))
                .is_err()
        );
    }

    #[test]
    fn the_allow_list_names_hosts_and_networks() {
        let d = Destinations::new(false, &["Localhost", "10.0.0.0/8", "[::1]"]).unwrap();
        assert!(d.address_allowed("localhost", "127.0.0.1".parse().unwrap()));
        assert!(d.address_allowed("LOCALHOST.", "127.0.0.1".parse().unwrap()));
        assert!(d.address_allowed("any.example", "10.9.8.7".parse().unwrap()));
        assert!(d.address_allowed("any.example", "::1".parse().unwrap()));
        assert!(!d.address_allowed("any.example", "127.0.0.1".parse().unwrap()));
        assert!(!d.address_allowed("any.example", "192.168.0.1".parse().unwrap()));
        assert!(d.address_allowed("any.example", "8.8.8.8".parse().unwrap()));
        assert!(Destinations::new(false, &["bad.example/8"]).is_err());
        assert!(Destinations::new(false, &["10.0.0.0/99"]).is_err());
    }

    #[test]
    fn one_internal_address_among_public_ones_is_refused() {
        let d = Destinations::default();
        let public: SocketAddr = "8.8.8.8:443".parse().unwrap();
        let private: SocketAddr = "10.0.0.1:443".parse().unwrap();
        assert!(d.check_addresses("h.example", &[public]).is_ok());
        assert!(d.check_addresses("h.example", &[public, private]).is_err());
        assert!(d.check_addresses("h.example", &[]).is_err());
    }

    #[tokio::test]
    async fn ip_literals_and_local_names_are_refused_unless_allowed() {
        let d = Destinations::default();
        for url in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost/x",
            "http://0x7f000001/x",
            "http://2130706433/x",
        ] {
            let url = d.check_url(url).unwrap();
            assert!(d.resolve(&url).await.is_err(), "{url} should be refused");
        }
        let allowed = Destinations::new(false, &["127.0.0.1"]).unwrap();
        let url = allowed.check_url("http://127.0.0.1:8080/x").unwrap();
        assert_eq!(
            allowed.resolve(&url).await.unwrap(),
            vec!["127.0.0.1:8080".parse().unwrap()]
        );
    }
}
