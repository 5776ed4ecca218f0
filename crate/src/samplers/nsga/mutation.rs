//! Mutation for the genetic samplers. Optuna's default is no operator: a mutated parameter is
//! left out of the child and drawn by the random sampler. `PolynomialMutation` (Deb & Goyal 1996,
//! as revision 1.1.6 of the NSGA-II C code and Optuna 5.0.0) perturbs a numerical gene instead.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::portable::PortableMath;
use crate::rng::Rng;

/// A mutation operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mutation {
    /// Polynomial mutation with distribution index `eta` (larger: smaller steps).
    Polynomial {
        /// Distribution index (20).
        eta: f64,
    },
}

impl Mutation {
    /// Parses Optuna's class name with its keyword arguments.
    pub fn from_name(name: &str, kwargs: &Value) -> Result<Mutation> {
        if name != "PolynomialMutation" {
            return Err(Error::UnknownName {
                kind: "mutation",
                name: name.to_owned(),
                known: "PolynomialMutation".into(),
            });
        }
        if let Some(k) = kwargs.as_object().and_then(|m| m.keys().find(|k| k.as_str() != "eta")) {
            return Err(Error::InvalidArgument(format!("PolynomialMutation: unknown option `{k}` (expected eta)")));
        }
        let eta = match kwargs.get("eta") {
            None | Some(Value::Null) => 20.0,
            Some(v) => {
                v.as_f64().ok_or_else(|| Error::InvalidArgument("PolynomialMutation: `eta` must be a number".into()))?
            }
        };
        if eta < 0.0 {
            return Err(Error::InvalidArgument("PolynomialMutation: `eta` must be a non-negative float value.".into()));
        }
        Ok(Mutation::Polynomial { eta })
    }

    /// The mutated value of `x` in `[low, high]` (clipped by the caller's decoding).
    pub fn apply(&self, x: f64, low: f64, high: f64, rng: &mut Rng) -> f64 {
        let Mutation::Polynomial { eta } = *self;
        let u = rng.uniform();
        let width = high - low;
        if width <= 0.0 {
            return x;
        }
        let power = 1.0 / (eta + 1.0);
        let delta_q = if u <= 0.5 {
            let xy = 1.0 - (x - low) / width;
            (2.0 * u + (1.0 - 2.0 * u) * xy.powf_p(eta + 1.0)).powf_p(power) - 1.0
        } else {
            let xy = 1.0 - (high - x) / width;
            1.0 - (2.0 * (1.0 - u) + 2.0 * (u - 0.5) * xy.powf_p(eta + 1.0)).powf_p(power)
        };
        x + delta_q * width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomial_mutation_stays_in_bounds_and_mostly_near() {
        let m = Mutation::from_name("PolynomialMutation", &Value::Null).unwrap();
        let mut rng = Rng::seed_from_u64(9);
        let xs: Vec<f64> = (0..5000).map(|_| m.apply(0.9, 0.0, 1.0, &mut rng)).collect();
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)), "bounded by construction");
        let near = xs.iter().filter(|x| (*x - 0.9).abs() < 0.1).count();
        assert!(near > 4000, "{near}");
        assert!(xs.iter().any(|x| *x > 0.9) && xs.iter().any(|x| *x < 0.9));
    }
}
