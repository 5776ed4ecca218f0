//! Search spaces inferred from a study's trials: the intersection (parameters every finished trial
//! has, with one distribution) and its decomposition into groups of parameters that always appear
//! together (Optuna's `IntersectionSearchSpace` and `_GroupDecomposedSearchSpace`).
//!
//! Both are incremental: trials are folded in once, when they finish, so asking for the space costs
//! a scan of trial states, not of their parameters.

use std::collections::BTreeSet;

use crate::samplers::SearchSpace;
use crate::trial::{FrozenTrial, TrialState};

fn counted(t: &FrozenTrial, include_pruned: bool) -> bool {
    t.state == TrialState::Complete || (include_pruned && t.state == TrialState::Pruned)
}

/// Which trials a search space has folded in: every trial numbered below `settled` is finished
/// and was looked at, so a scan starts there rather than at trial 0 (trials finish roughly in
/// order; one still running holds the cursor back until it ends).
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    folded: Vec<bool>,
    settled: usize,
}

impl Seen {
    /// The finished trials not folded in before, marking them.
    pub(crate) fn fresh<'t>(&mut self, trials: &[&'t FrozenTrial], include_pruned: bool) -> Vec<&'t FrozenTrial> {
        let mut out = Vec::new();
        self.for_each_fresh(trials, include_pruned, |t| out.push(t));
        out
    }

    /// [`Seen::fresh`] without collecting them: for callers that run every trial (AutoSampler in
    /// front of a CMA-ES whose whole trial costs about 10 µs), where the list's allocation shows.
    pub(crate) fn for_each_fresh<'t>(
        &mut self,
        trials: &[&'t FrozenTrial],
        include_pruned: bool,
        mut f: impl FnMut(&'t FrozenTrial),
    ) {
        let bound = trials.last().map_or(0, |t| t.number as usize + 1);
        self.folded.resize(bound.max(self.folded.len()), false);
        // Views may hide trials (Hyperband brackets), so find where the cursor falls in this one.
        let start = trials.partition_point(|t| (t.number as usize) < self.settled);
        let mut all_settled = true;
        for &t in &trials[start..] {
            let n = t.number as usize;
            if !self.folded[n] && t.state.is_finished() {
                self.folded[n] = true;
                if counted(t, include_pruned) {
                    f(t);
                }
            }
            // Only a contiguous run of folded trials moves the cursor: a trial hidden from this
            // view must still be folded in when another view shows it.
            all_settled &= self.folded[n] && n == self.settled;
            if all_settled {
                self.settled = n + 1;
            }
        }
    }
}

/// The parameters (with their distribution) shared by every complete (and, optionally, pruned)
/// trial. A parameter seen with two different distributions leaves the space.
#[derive(Debug, Clone, Default)]
pub struct IntersectionSearchSpace {
    include_pruned: bool,
    seen: Seen,
    space: Option<SearchSpace>,
}

impl IntersectionSearchSpace {
    /// `include_pruned`: whether pruned trials shape the space too (TPE: yes).
    pub fn new(include_pruned: bool) -> Self {
        IntersectionSearchSpace { include_pruned, ..Default::default() }
    }

    /// The current intersection, folding in trials not seen before.
    pub fn calculate(&mut self, trials: &[&FrozenTrial]) -> SearchSpace {
        for t in self.seen.fresh(trials, self.include_pruned) {
            match &mut self.space {
                None => {
                    self.space = Some(t.params.iter().map(|(k, p)| (k.clone(), p.distribution.clone())).collect());
                }
                Some(space) => {
                    space.retain(|name, d| t.params.get(name).is_some_and(|p| &p.distribution == d));
                }
            }
        }
        self.space.clone().unwrap_or_default()
    }
}

/// Groups of parameters that always appear together in finished trials; each group is a joint
/// space a multivariate sampler can model (Optuna's `group=True`).
#[derive(Debug, Clone, Default)]
pub struct GroupDecomposedSearchSpace {
    include_pruned: bool,
    seen: Seen,
    groups: Vec<SearchSpace>,
}

impl GroupDecomposedSearchSpace {
    /// `include_pruned`: whether pruned trials shape the groups too.
    pub fn new(include_pruned: bool) -> Self {
        GroupDecomposedSearchSpace { include_pruned, ..Default::default() }
    }

    /// The current groups, folding in trials not seen before.
    pub fn calculate(&mut self, trials: &[&FrozenTrial]) -> Vec<SearchSpace> {
        for t in self.seen.fresh(trials, self.include_pruned) {
            let mut rest: BTreeSet<&String> = t.params.keys().collect();
            let mut next = Vec::with_capacity(self.groups.len() + 1);
            for g in self.groups.drain(..) {
                let (inside, outside): (SearchSpace, SearchSpace) = g.into_iter().partition(|(k, _)| rest.contains(k));
                for k in inside.keys() {
                    rest.remove(k);
                }
                next.extend([inside, outside].into_iter().filter(|s| !s.is_empty()));
            }
            let new: SearchSpace = rest.into_iter().map(|k| (k.clone(), t.params[k].distribution.clone())).collect();
            if !new.is_empty() {
                next.push(new);
            }
            self.groups = next;
        }
        self.groups.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::{Distribution, FloatDistribution};
    use crate::trial::Param;

    fn trial(number: u64, state: TrialState, params: &[(&str, f64)]) -> FrozenTrial {
        let mut t = FrozenTrial::new(number, number, state);
        for (name, high) in params {
            let d: Distribution = FloatDistribution::new(0.0, *high, false, None).unwrap().into();
            t.params.insert((*name).into(), Param { distribution: d, internal: 0.0 });
        }
        t
    }

    #[test]
    fn intersection_keeps_shared_parameters_with_equal_distributions() {
        let trials = vec![
            trial(0, TrialState::Complete, &[("a", 1.0), ("b", 1.0), ("c", 1.0)]),
            trial(1, TrialState::Running, &[("a", 1.0)]),
            trial(2, TrialState::Pruned, &[("a", 1.0), ("b", 1.0), ("c", 2.0)]),
            trial(3, TrialState::Fail, &[]),
        ];
        let mut s = IntersectionSearchSpace::new(true);
        assert_eq!(s.calculate(&trials.iter().collect::<Vec<_>>()).keys().collect::<Vec<_>>(), ["a", "b"]);
        let mut s = IntersectionSearchSpace::new(false);
        assert_eq!(s.calculate(&trials.iter().collect::<Vec<_>>()).keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        let mut more = trials.clone();
        more.push(trial(4, TrialState::Complete, &[("b", 1.0)]));
        assert_eq!(
            s.calculate(&more.iter().collect::<Vec<_>>()).keys().collect::<Vec<_>>(),
            ["b"],
            "incremental update"
        );
    }

    #[test]
    fn groups_split_into_parameters_that_always_co_occur() {
        let trials = [
            trial(0, TrialState::Complete, &[("kind", 1.0), ("c", 1.0), ("g", 1.0)]),
            trial(1, TrialState::Complete, &[("kind", 1.0), ("depth", 1.0)]),
            trial(2, TrialState::Complete, &[("kind", 1.0), ("c", 1.0), ("g", 1.0)]),
        ];
        let mut s = GroupDecomposedSearchSpace::new(true);
        let mut groups: Vec<Vec<String>> =
            s.calculate(&trials.iter().collect::<Vec<_>>()).iter().map(|g| g.keys().cloned().collect()).collect();
        groups.sort();
        assert_eq!(groups, vec![vec!["c".to_string(), "g".into()], vec!["depth".into()], vec!["kind".into()]]);
    }
}
