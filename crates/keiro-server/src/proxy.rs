//! Behind a reverse proxy: which client a request comes from. Only the proxies the operator
//! lists (`trusted_proxies`, addresses or CIDR ranges) are believed about the client address
//! (`X-Forwarded-For`, else `Forwarded: for=`); from anyone else those headers are ignored, so
//! a client cannot pick the address its rate limits count against.

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address or a CIDR range (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                bits_match(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                bits_match(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn bits_match(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = ((prefix / 8) as usize, prefix % 8);
    a[..whole] == b[..whole]
        && (rest == 0 || {
            let mask = 0xffu8 << (8 - rest);
            a[whole] & mask == b[whole] & mask
        })
}

impl FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not an IP address or a CIDR range like 10.0.0.0/8");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for IpNet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IpNet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address
/// in the forwarding chain that is not itself a trusted proxy.
pub fn client_addr(parts: &Parts, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip().to_canonical())?;
    let believed = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !believed(peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(parts);
    // Right to left: each hop appended the address it saw; the first one not ours is the client.
    Some(
        chain
            .iter()
            .rev()
            .copied()
            .find(|ip| !believed(*ip))
            .or(chain.first().copied())
            .unwrap_or(peer),
    )
}

/// The addresses of `X-Forwarded-For` (all of its lines), or else of `Forwarded`'s `for=`.
fn forwarded_chain(parts: &Parts) -> Vec<IpAddr> {
    let xff: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| parse_node(a.trim()))
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    parts
        .headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("for")
                .then(|| parse_node(v.trim().trim_matches('"')))?
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:443`, `[2001:db8::1]` or `[2001:db8::1]:443`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(s) {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = s.strip_prefix('[') {
        return IpAddr::from_str(rest.split(']').next()?)
            .ok()
            .map(|i| i.to_canonical());
    }
    let (host, _port) = s.rsplit_once(':')?;
    IpAddr::from_str(host).ok().map(|i| i.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = Request::builder().uri("/");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let (mut p, _) = b.body(()).unwrap().into_parts();
        p.extensions
            .insert(ConnectInfo(SocketAddr::from_str(peer).unwrap()));
        p
    }

    fn nets(s: &[&str]) -> Vec<IpNet> {
        s.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn ranges_parse_and_match() {
        let n: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains("10.2.3.4".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()));
        assert!(
            n.contains("::ffff:10.9.9.9".parse().unwrap()),
            "mapped IPv4"
        );
        let one: IpNet = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        let odd: IpNet = "192.168.4.0/22".parse().unwrap();
        assert!(odd.contains("192.168.7.255".parse().unwrap()));
        assert!(!odd.contains("192.168.8.0".parse().unwrap()));
        for bad in ["10.0.0.0/33", "example.com", "10.0.0.0/x", ""] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = nets(&["127.0.0.1", "10.0.0.0/8"]);
        let xff = [("x-forwarded-for", "203.0.113.9, 10.1.1.1")];
        let from_proxy = parts("127.0.0.1:5000", &xff);
        assert_eq!(
            client_addr(&from_proxy, &trusted),
            Some("203.0.113.9".parse().unwrap())
        );
        let from_client = parts("198.51.100.7:5000", &xff);
        assert_eq!(
            client_addr(&from_client, &trusted),
            Some("198.51.100.7".parse().unwrap()),
            "a client cannot choose its own address"
        );
        assert_eq!(
            client_addr(&from_proxy, &[]),
            Some("127.0.0.1".parse().unwrap()),
            "no trusted proxy: the peer"
        );
        let spoofed = parts(
            "127.0.0.1:5000",
            &[("x-forwarded-for", "1.1.1.1, 203.0.113.9")],
        );
        assert_eq!(
            client_addr(&spoofed, &trusted),
            Some("203.0.113.9".parse().unwrap()),
            "what the client wrote itself stays left of the address the proxy saw"
        );
        let fwd = parts(
            "127.0.0.1:5000",
            &[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")],
        );
        assert_eq!(
            client_addr(&fwd, &trusted),
            Some("2001:db8::7".parse().unwrap())
        );
    }
}
