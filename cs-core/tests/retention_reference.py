"""Regenerates retention_reference.json: reference values from lifelines, scikit-learn and
scipy for cs-core's retention tests (cs-core/tests/retention_reference.rs).

    python cs-core/tests/retention_reference.py > cs-core/tests/retention_reference.json

Needs numpy, scipy, lifelines, scikit-learn (test-only; the Rust tests read the JSON).
"""

import json
import warnings

import numpy as np
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test
from scipy import optimize, special
from sklearn.metrics import roc_auc_score

warnings.simplefilter("ignore")
rng = np.random.default_rng(7)
out = {}

# Tenure in months with heavy ties and ~35 % censoring, some zero durations.
n = 400
durations = np.floor(rng.exponential(14.0, n)).astype(float)
durations[:5] = 0.0
observed = rng.random(n) < 0.65
groups = rng.integers(0, 3, n)
# Fractional durations too (the sorting path rather than counting).
frac = np.round(rng.gamma(2.0, 3.0, 150), 2)
frac_obs = rng.random(150) < 0.7


def km(d, e, alpha):
    f = KaplanMeierFitter(alpha=alpha).fit(d, e)
    ci = f.confidence_interval_
    return {
        "timeline": f.timeline.tolist(),
        "survival": f.survival_function_.iloc[:, 0].tolist(),
        "lower": ci.iloc[:, 0].tolist(),
        "upper": ci.iloc[:, 1].tolist(),
        "median": None if np.isinf(f.median_survival_time_) else float(f.median_survival_time_),
        "at": [[t, float(f.predict(t))] for t in [0.5, 3.0, 10.0, 27.5, 1000.0]],
    }


out["durations"] = durations.tolist()
out["observed"] = observed.tolist()
out["groups"] = groups.tolist()
out["km95"] = km(durations, observed, 0.05)
out["km80"] = km(durations, observed, 0.20)
out["frac_durations"] = frac.tolist()
out["frac_observed"] = frac_obs.tolist()
out["frac_km95"] = km(frac, frac_obs, 0.05)
a, b = groups == 0, groups == 1
r2 = logrank_test(durations[a], durations[b], observed[a], observed[b])
out["logrank2"] = {"statistic": float(r2.test_statistic), "p_value": float(r2.p_value)}
r3 = multivariate_logrank_test(durations, groups, observed)
out["logrank3"] = {"statistic": float(r3.test_statistic), "p_value": float(r3.p_value)}

# Scores with ties against churn.
scores = np.round(rng.normal(0.0, 1.0, 1000), 1)
churned = rng.random(1000) < 1 / (1 + np.exp(-scores))
out["scores"] = scores.tolist()
out["churned"] = churned.tolist()
out["auc"] = float(roc_auc_score(churned, scores))

# sBG by scipy: Fader and Hardie (2007) cohorts, years 0-7, and both jointly.
cohorts = {
    "regular": [1000, 631, 468, 382, 326, 289, 262, 241],
    "high_end": [1000, 869, 743, 653, 593, 551, 517, 491],
}


def sbg_ll(params, data):
    al, be = np.exp(params)
    ll = 0.0
    for n_alive in data:
        n_alive = np.asarray(n_alive, float)
        t = np.arange(1, len(n_alive))
        logp = special.betaln(al + 1, be + t - 1) - special.betaln(al, be)
        logs = special.betaln(al, be + t[-1]) - special.betaln(al, be)
        ll += np.sum((n_alive[:-1] - n_alive[1:]) * logp) + n_alive[-1] * logs
    return ll


def sbg_fit(data):
    res = optimize.minimize(
        lambda p: -sbg_ll(p, data),
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000},
    )
    al, be = np.exp(res.x)
    return {"alpha": float(al), "beta": float(be), "log_likelihood": float(-res.fun)}


out["sbg"] = {k: sbg_fit([v]) for k, v in cohorts.items()}
out["sbg"]["joint"] = sbg_fit(list(cohorts.values()))
out["sbg_cohorts"] = cohorts
# DERL = (b + n - 1)/(a + b + n - 1) 2F1(1, b + n; a + b + n; 1/(1 + d)), scipy's hyp2f1.
derl = []
for al, be in [(0.704, 1.182), (0.668, 3.806)]:
    for d in [0.1, 0.02]:
        for renewals in [0, 4]:
            nn = renewals + 1
            v = (be + nn - 1) / (al + be + nn - 1) * special.hyp2f1(1, be + nn, al + be + nn, 1 / (1 + d))
            derl.append({"alpha": al, "beta": be, "discount": d, "renewals": renewals, "derl": float(v)})
out["derl"] = derl
print(json.dumps(out))
