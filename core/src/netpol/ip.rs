//! IP addresses and CIDRs as ranges of integers, so that ipBlock `cidr` minus
//! `except` and "does this external CIDR lie entirely inside what is allowed"
//! are plain interval arithmetic. IPv4 and IPv6 never mix.

use std::fmt;
use std::net::IpAddr;

/// An inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRange {
    pub v6: bool,
    pub lo: u128,
    pub hi: u128,
}

/// One address: family and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    pub v6: bool,
    pub value: u128,
}

impl IpRange {
    pub fn contains(&self, addr: Addr) -> bool {
        self.v6 == addr.v6 && self.lo <= addr.value && addr.value <= self.hi
    }

    pub fn is_subset_of(&self, other: &IpRange) -> bool {
        self.v6 == other.v6 && self.lo <= self.hi && other.lo <= self.lo && self.hi <= other.hi
    }
}

pub fn parse_addr(text: &str) -> Option<Addr> {
    sloppy_addr(text.trim())
}

/// `netutils.ParseIPSloppy`: IPv4 parts may carry leading zeros (read as
/// decimal), which the API server accepts while `StrictIPCIDRValidation` is
/// off (its default through 1.35).
fn sloppy_addr(text: &str) -> Option<Addr> {
    match crate::validation::field::parse_ip_sloppy(text)? {
        IpAddr::V4(v4) => Some(Addr { v6: false, value: u128::from(u32::from(v4)) }),
        IpAddr::V6(v6) => Some(Addr { v6: true, value: u128::from(v6) }),
    }
}

/// Text that is not an address or CIDR where one is required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CidrError {
    /// No `/prefix` where a CIDR is required.
    NoPrefix { text: String },
    /// The part before `/` is not an IP address.
    BadAddress { text: String, address: String },
    /// The prefix length is not a number from 0 to the family's bit count.
    BadPrefix { text: String, bits: u32 },
    /// Neither an address nor a CIDR (where either would do).
    NotAnAddress { text: String },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::NoPrefix { text } => {
                write!(f, "`{text}` is not a CIDR (expected an address/prefix such as 10.0.0.0/24)")
            }
            CidrError::BadAddress { text, address } => {
                write!(f, "`{text}` is not a CIDR: `{address}` is not an IP address")
            }
            CidrError::BadPrefix { text, bits } => {
                write!(f, "`{text}` is not a CIDR: the prefix length must be 0–{bits}")
            }
            CidrError::NotAnAddress { text } => write!(f, "`{text}` is neither an IP address nor a CIDR"),
        }
    }
}

impl std::error::Error for CidrError {}

/// Parses `a.b.c.d/n` or `x::/n` as upstream's `ParseCIDRSloppy` does
/// (validation.go `ValidateIPBlock`): leading zeros in IPv4 parts and the
/// prefix are read as decimal, no spaces; host bits are masked.
pub fn parse_cidr(text: &str) -> Result<IpRange, CidrError> {
    let (address, prefix) = text.split_once('/').ok_or_else(|| CidrError::NoPrefix { text: text.to_owned() })?;
    let addr = sloppy_addr(address)
        .ok_or_else(|| CidrError::BadAddress { text: text.to_owned(), address: address.to_owned() })?;
    let bits: u32 = if addr.v6 { 128 } else { 32 };
    // Go's dtoi: decimal digits only (leading zeros allowed, no sign).
    let prefix: u32 = Some(prefix)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse().ok())
        .filter(|p| *p <= bits)
        .ok_or_else(|| CidrError::BadPrefix { text: text.to_owned(), bits })?;
    let host_bits = bits - prefix;
    let host_mask: u128 = if host_bits == 0 {
        0
    } else if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let lo = addr.value & !host_mask;
    Ok(IpRange { v6: addr.v6, lo, hi: lo | host_mask })
}

/// An IP address (a /32 or /128) or a CIDR: what `--external` accepts.
pub fn parse_ip_or_cidr(text: &str) -> Result<IpRange, CidrError> {
    if text.contains('/') {
        parse_cidr(text)
    } else {
        let addr = parse_addr(text).ok_or_else(|| CidrError::NotAnAddress { text: text.to_owned() })?;
        Ok(IpRange { v6: addr.v6, lo: addr.value, hi: addr.value })
    }
}

/// A set of addresses: sorted, disjoint, non-adjacent ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RangeSet {
    ranges: Vec<IpRange>,
}

impl RangeSet {
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn ranges(&self) -> &[IpRange] {
        &self.ranges
    }

    pub fn add(&mut self, range: IpRange) {
        self.ranges.push(range);
        self.normalize();
    }

    pub fn union_with(&mut self, other: &RangeSet) {
        if other.ranges.is_empty() {
            return;
        }
        self.ranges.extend_from_slice(&other.ranges);
        self.normalize();
    }

    fn normalize(&mut self) {
        self.ranges.sort();
        let mut merged: Vec<IpRange> = Vec::with_capacity(self.ranges.len());
        for range in self.ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if last.v6 == range.v6 && range.lo <= last.hi.saturating_add(1) => {
                    last.hi = last.hi.max(range.hi);
                }
                _ => merged.push(range),
            }
        }
        self.ranges = merged;
    }

    /// Removes `cut` from the set.
    pub fn subtract(&mut self, cut: IpRange) {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        for range in &self.ranges {
            if range.v6 != cut.v6 || range.hi < cut.lo || cut.hi < range.lo {
                out.push(*range);
                continue;
            }
            if range.lo < cut.lo {
                out.push(IpRange { hi: cut.lo - 1, ..*range });
            }
            if cut.hi < range.hi {
                out.push(IpRange { lo: cut.hi + 1, ..*range });
            }
        }
        self.ranges = out;
    }

    pub fn contains(&self, addr: Addr) -> bool {
        self.ranges.iter().any(|r| r.contains(addr))
    }

    /// Whether every address of `range` is in the set (ranges are merged, so one
    /// range must hold it all).
    pub fn covers(&self, range: &IpRange) -> bool {
        self.ranges.iter().any(|r| range.is_subset_of(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_parsing_masks_host_bits() {
        let r = parse_cidr("10.1.2.3/16").unwrap();
        assert_eq!(r, parse_cidr("10.1.0.0/16").unwrap());
        assert_eq!(r.hi - r.lo, 65535);
        assert_eq!(
            parse_cidr("10.0.0.0").unwrap_err().to_string(),
            "`10.0.0.0` is not a CIDR (expected an address/prefix such as 10.0.0.0/24)"
        );
        assert_eq!(
            parse_cidr("10.0.0.0/33").unwrap_err().to_string(),
            "`10.0.0.0/33` is not a CIDR: the prefix length must be 0–32"
        );
        assert_eq!(
            parse_cidr("10.0.0/8").unwrap_err().to_string(),
            "`10.0.0/8` is not a CIDR: `10.0.0` is not an IP address"
        );
        assert_eq!(parse_ip_or_cidr("any").unwrap_err().to_string(), "`any` is neither an IP address nor a CIDR");
        let all6 = parse_cidr("::/0").unwrap();
        assert_eq!((all6.lo, all6.hi), (0, u128::MAX));
        let all4 = parse_cidr("0.0.0.0/0").unwrap();
        assert_eq!(all4.hi, u128::from(u32::MAX));
    }

    #[test]
    fn except_and_cover() {
        let mut set = RangeSet::default();
        set.add(parse_cidr("172.17.0.0/16").unwrap());
        set.subtract(parse_cidr("172.17.1.0/24").unwrap());
        assert!(set.contains(parse_addr("172.17.0.9").unwrap()));
        assert!(!set.contains(parse_addr("172.17.1.9").unwrap()));
        assert!(set.covers(&parse_cidr("172.17.2.0/24").unwrap()));
        assert!(!set.covers(&parse_cidr("172.17.0.0/23").unwrap()));
        set.add(parse_cidr("172.17.1.0/24").unwrap());
        assert!(set.covers(&parse_cidr("172.17.0.0/16").unwrap()));
        assert!(!set.covers(&parse_ip_or_cidr("::1").unwrap()));
    }
}
