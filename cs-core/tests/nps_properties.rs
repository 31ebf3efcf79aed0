//! Invariants of the NPS definitions, checked on generated answer sets.
#![allow(clippy::unwrap_used)]

use cs_core::nps::{Category, MissingAnswers, Nps, nps_by};
use cs_core::portfolio::Column;
use proptest::prelude::*;

fn answers() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..=10, 1..400)
}

proptest! {
    #[test]
    fn score_lies_within_minus_100_and_100(a in answers()) {
        let s = Nps::from_answers(&a).unwrap().score();
        prop_assert!((-100.0..=100.0).contains(&s));
    }

    #[test]
    fn order_does_not_matter(mut a in answers(), seed in any::<u64>()) {
        let before = Nps::from_answers(&a).unwrap();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..a.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            a.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(before, Nps::from_answers(&a).unwrap());
    }

    #[test]
    fn answers_and_counts_agree(a in answers()) {
        let from_answers = Nps::from_answers(&a).unwrap();
        let count = |c: Category| a.iter().filter(|&&v| Category::of(v) == c).count() as u64;
        let from_counts = Nps::from_counts(count(Category::Promoter), count(Category::Passive), count(Category::Detractor)).unwrap();
        prop_assert_eq!(from_answers, from_counts);
        // Every integer type gives the same result.
        let wide: Vec<i64> = a.iter().map(|&v| i64::from(v)).collect();
        prop_assert_eq!(from_answers, Nps::from_answers(&wide).unwrap());
        let float: Vec<f64> = a.iter().map(|&v| f64::from(v)).collect();
        prop_assert_eq!(from_answers, Nps::from_answers(&float).unwrap());
    }

    #[test]
    fn adding_a_promoter_never_lowers_the_score(p in 0u64..200, pa in 0u64..200, d in 0u64..200) {
        prop_assume!(p + pa + d > 0);
        let before = Nps::from_counts(p, pa, d).unwrap().score();
        let after = Nps::from_counts(p + 1, pa, d).unwrap().score();
        prop_assert!(after >= before);
        // ... and adding a detractor never raises it.
        prop_assert!(Nps::from_counts(p, pa, d + 1).unwrap().score() <= before);
    }

    #[test]
    fn interval_contains_the_score_and_narrows_as_n_grows(a in answers(), level in 0.5f64..0.999) {
        let nps = Nps::from_answers(&a).unwrap();
        let (lo, hi) = nps.confidence_interval(level).unwrap();
        prop_assert!(lo <= nps.score() && nps.score() <= hi);
        // The same shares from ten times the answers: the margin shrinks by √10.
        let bigger = Nps::from_counts(nps.promoters() * 10, nps.passives() * 10, nps.detractors() * 10).unwrap();
        let (m1, m10) = (nps.margin_of_error(level).unwrap(), bigger.margin_of_error(level).unwrap());
        prop_assert!(m10 <= m1);
        prop_assert!((m10 * 10f64.sqrt() - m1).abs() <= 1e-9 * m1.max(1.0));
        // Higher confidence, wider interval.
        let higher = level + (0.999 - level) / 2.0;
        prop_assert!(nps.margin_of_error(higher).unwrap() >= nps.margin_of_error(level).unwrap());
    }

    #[test]
    fn groups_add_up_to_the_whole(a in answers(), keys in prop::collection::vec(0u8..4, 400)) {
        let whole = Nps::from_answers(&a).unwrap();
        let groups = nps_by(Column::new("score", &a), MissingAnswers::Reject, |i| Ok(keys[i])).unwrap();
        let merged = groups.iter().filter_map(|g| g.nps).reduce(|x, y| x.merge(&y)).unwrap();
        prop_assert_eq!(whole, merged);
    }

    #[test]
    fn any_answer_above_10_is_rejected_at_its_position(a in answers(), bad in 11u8..=255, at in 0usize..400) {
        let mut a = a;
        let at = at % a.len();
        a[at] = bad;
        let err = Nps::from_answers(&a).unwrap_err();
        prop_assert_eq!(err.to_string(), format!("nps score {bad} at position {at} is outside 0..=10"));
    }
}
