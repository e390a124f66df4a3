//! Three-valued (Kleene) logic: true, false, unknown.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl std::ops::Not for Tri {
    type Output = Tri;

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Kleene conjunction: false dominates, then unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    /// Kleene disjunction: true dominates, then unknown.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, False as F, True as T, Unknown as U};

    const ALL: [Tri; 3] = [T, F, U];

    #[test]
    fn and_truth_table() {
        let expected = [
            // T  F  U   (right operand)
            [T, F, U], // left T
            [F, F, F], // left F
            [U, F, U], // left U
        ];
        for (i, l) in ALL.iter().enumerate() {
            for (j, r) in ALL.iter().enumerate() {
                assert_eq!(l.and(*r), expected[i][j], "{l:?} and {r:?}");
            }
        }
    }

    #[test]
    fn or_truth_table() {
        let expected = [[T, T, T], [T, F, U], [T, U, U]];
        for (i, l) in ALL.iter().enumerate() {
            for (j, r) in ALL.iter().enumerate() {
                assert_eq!(l.or(*r), expected[i][j], "{l:?} or {r:?}");
            }
        }
    }

    #[test]
    fn not_truth_table() {
        assert_eq!(!T, F);
        assert_eq!(!F, T);
        assert_eq!(!U, U);
    }

    #[test]
    fn de_morgan_holds_in_kleene_logic() {
        for l in ALL {
            for r in ALL {
                assert_eq!(!l.and(r), (!l).or(!r));
                assert_eq!(!l.or(r), (!l).and(!r));
            }
        }
    }

    #[test]
    fn commutative_and_associative() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b), b.and(a));
                assert_eq!(a.or(b), b.or(a));
                for c in ALL {
                    assert_eq!(a.and(b).and(c), a.and(b.and(c)));
                    assert_eq!(a.or(b).or(c), a.or(b.or(c)));
                }
            }
        }
    }
}
