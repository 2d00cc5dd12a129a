//! One stable sort per element type.
//!
//! `slice::sort_by` is generic over its comparator, so every call site's closure
//! gets its own copy of the standard library's stable sort (a few KB of wasm each;
//! see `docs/performance.md`, "Where the bytes go"). These helpers hand the
//! comparator on as `&mut dyn FnMut`, so the sort is compiled once per element
//! type. They are the same stable sort: equal elements keep their order, and the
//! results are exactly those of `slice::sort_by` / `slice::sort_by_key`.

use std::cmp::Ordering;

/// Stable sort with a comparator; the same result as `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    sort_dyn(items, &mut compare);
}

/// Stable sort by a key; the same result as `items.sort_by_key(key)` (the key is
/// computed per comparison, as there).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_dyn(items, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
}

/// Sorts values whose equal elements are indistinguishable (`&str`, integers,
/// tuples of them), where a stable sort gives exactly what `sort_unstable` gives,
/// through the same one sort per element type.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_dyn(items, &mut |a: &T, b: &T| a.cmp(b));
}

#[inline(never)]
fn sort_dyn<T>(items: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    items.sort_by(|a, b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unnecessary_sort_by)] // the std sort_by is the reference here
    fn sort_by_is_stable_and_matches_std() {
        let items: Vec<(u8, usize)> = [3u8, 1, 3, 2, 1, 3, 0, 2].iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let mut ours = items.clone();
        sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
        let mut std_sorted = items.clone();
        std_sorted.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(ours, std_sorted);
        assert_eq!(ours, vec![(0, 6), (1, 1), (1, 4), (2, 3), (2, 7), (3, 0), (3, 2), (3, 5)]);
    }

    #[test]
    fn sort_by_key_is_stable_and_matches_std() {
        let items = vec!["bb", "a", "cc", "d", "eee", "f"];
        let mut ours = items.clone();
        sort_by_key(&mut ours, |s| std::cmp::Reverse(s.len()));
        let mut std_sorted = items.clone();
        std_sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
        assert_eq!(ours, std_sorted);
        assert_eq!(ours, vec!["eee", "bb", "cc", "a", "d", "f"]);
    }
}
