//! Request ids: the `x-request-id` a request comes with is kept (a proxy's or a client's);
//! any other request gets one made here, echoed in the response, its log span and its audit
//! rows.

use axum::http::{HeaderValue, Request};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes 32 hex digits: this process's random tag, then its request counter passed through a
/// bijective mix (so ids stay unique yet do not show how many requests a node has served).
/// A random UUID per request cost 11,000 instructions (the draw and the formatting), 6 % of an
/// authenticated API call (issue 15); this costs a few hundred.
#[derive(Clone)]
pub struct RequestIds {
    node: u64,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    pub fn new() -> Self {
        // The counter starts anywhere: the first id is no more telling than the next.
        let (node, start) = uuid::Uuid::new_v4().as_u64_pair();
        RequestIds {
            node,
            next: Arc::new(AtomicU64::new(start)),
        }
    }

    /// The id of this node's `n`th request.
    fn id(&self, n: u64) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex(self.node, &mut out[..16]);
        hex(mix(n), &mut out[16..]);
        out
    }
}

impl Default for RequestIds {
    fn default() -> Self {
        Self::new()
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_bytes(&self.id(n))
            .ok()
            .map(RequestId::new)
    }
}

/// SplitMix64's finalizer: a bijection on u64, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hex(v: u64, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in out.iter_mut().enumerate() {
        *b = DIGITS[((v >> (60 - 4 * i)) & 0xf) as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_32_hex_digits_and_distinct() {
        let ids = RequestIds::new();
        let made: HashSet<[u8; 32]> = (0..10_000).map(|n| ids.id(n)).collect();
        assert_eq!(made.len(), 10_000);
        let one = ids.id(7);
        assert!(one.iter().all(|b| b.is_ascii_hexdigit()));
        // The node's tag leads every id; two nodes differ in it.
        assert_eq!(one[..16], ids.id(8)[..16]);
        assert_ne!(one[..16], RequestIds::new().id(7)[..16]);
        // Consecutive requests do not show as consecutive numbers.
        assert_ne!(ids.id(1)[30..], ids.id(2)[30..]);
    }

    #[test]
    fn the_mix_is_a_bijection_on_small_ranges() {
        let outs: HashSet<u64> = (0..100_000u64).map(mix).collect();
        assert_eq!(outs.len(), 100_000);
        assert_eq!(mix(0), 0, "SplitMix64's finalizer fixes zero");
    }
}
