//! The Cholesky factorisation of a symmetric positive definite matrix, shared by the Newton
//! steps of the risk fit and the standard errors of its estimate.

/// `L` (row-major p × p, lower triangle) with `L Lᵀ = A + jitter × I`, for `A` given by its
/// upper triangle (row-major p × p). `None` when a pivot is not positive and finite (the
/// matrix is not positive definite, or an entry is not finite).
#[allow(clippy::many_single_char_names)] // matrix notation
pub(crate) fn cholesky(upper: &[f64], p: usize, jitter: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let a = upper[j * p + i] + if i == j { jitter } else { 0.0 };
            let s: f64 = (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum();
            if i == j {
                let d = a - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i * p + i] = d.sqrt();
            } else {
                l[i * p + j] = (a - s) / l[j * p + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn factor_of_a_hand_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(&[4.0, 2.0, 0.0, 3.0], 2, 0.0).unwrap();
        assert_eq!(&l[..3], &[2.0, 0.0, 1.0]);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-15);
        assert!(cholesky(&[1.0, 2.0, 0.0, 1.0], 2, 0.0).is_none());
    }
}
