//! Pure statistics behind the stability metrics: interval estimates for failure rates, run-count
//! planning, flip rate and entropy (Apple), a Beta-Binomial posterior, and two-group comparisons.
//!
//! Every function is total: it never panics, and inputs outside its domain give `None` (or `NaN`
//! where the return type is a plain `f64`, as documented on each function). Rates and
//! probabilities are ratios between 0 and 1, not percentages; `confidence` is a ratio strictly
//! between 0 and 1, e.g. `0.95`. Counts are `failures` out of `runs`; a count of failures larger
//! than the count of runs is a caller bug and is documented per function.
//!
//! Only plain `f64` arithmetic is used (no dependencies), so results are the same on every target,
//! `wasm32-unknown-unknown` included.

/// The two-sided standard normal quantile for a confidence level:
/// `z = Φ⁻¹(1 − (1 − confidence)/2)`.
///
/// For `confidence = 0.95` this is `1.959963984540054` (the familiar "1.96"). It is computed as
/// `−Φ⁻¹((1 − confidence)/2)`, so the small tail probability is passed to [`normal_quantile`]
/// without the rounding of `1 − tail`.
///
/// - Input: `confidence`, a ratio strictly between 0 and 1.
/// - Output: `z > 0`, in standard deviations. `NaN` when `confidence` is not strictly between
///   0 and 1 (or is `NaN`).
///
/// Source: the textbook definition of a two-sided normal critical value; accuracy is that of
/// Wichura's AS 241 (see [`normal_quantile`]).
///
/// # Examples
///
/// ```
/// use flakelens_core::metrics::stats::z_for_confidence;
/// assert!((z_for_confidence(0.95) - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn z_for_confidence(confidence: f64) -> f64 {
    if !is_confidence(confidence) {
        return f64::NAN;
    }
    -normal_quantile((1.0 - confidence) / 2.0)
}

/// The standard normal quantile (inverse CDF) `Φ⁻¹(p)`: the `z` with `P(Z ≤ z) = p` for a
/// standard normal `Z`.
///
/// - Input: `p`, a probability between 0 and 1.
/// - Output: `z` in standard deviations. `p = 0` gives `−∞`, `p = 1` gives `+∞`, and `p` outside
///   `[0, 1]` or `NaN` gives `NaN` (the convention of R's `qnorm`).
///
/// Algorithm: Wichura, M. J. (1988), "Algorithm AS 241: The Percentage Points of the Normal
/// Distribution", *Applied Statistics* 37(3): 477–484, routine PPND16: three rational
/// approximations of degree 7/7 (central region `|p − 0.5| ≤ 0.425`, then two tail regions in
/// `r = sqrt(−ln(min(p, 1 − p)))`, split at `r = 5`), accurate to about 1 part in 10¹⁶. The
/// coefficients are those published in the paper.
///
/// Precision note: for `p` close to 1 the input itself carries little information about the
/// tail (`1 − p` is rounded); pass the small tail probability and negate, as
/// [`z_for_confidence`] does.
#[expect(
    clippy::excessive_precision,
    reason = "AS 241 coefficients are kept digit for digit as published, to be checkable"
)]
pub fn normal_quantile(p: f64) -> f64 {
    // AS 241 PPND16 coefficients, constant term first.
    const A: [f64; 8] = [
        3.387_132_872_796_366_608_0,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083_0e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061_0e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561_0e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_90,
        5.769_497_221_460_691_405_50,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_70e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_40e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_40,
        6.897_673_349_851_000_045_50e-1,
        1.481_039_764_274_800_745_90e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946_00e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_20,
        5.463_784_911_164_114_369_90,
        1.784_826_539_917_291_335_80,
        2.965_605_718_285_048_912_30e-1,
        2.653_218_952_657_612_309_30e-2,
        1.242_660_947_388_078_438_60e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_90e-1,
        1.369_298_809_227_358_053_10e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591_00e-4,
        1.846_318_317_510_054_681_80e-5,
        1.421_511_758_316_445_888_70e-7,
        2.044_263_103_389_939_785_64e-15,
    ];

    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * horner(&A, r) / horner(&B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let magnitude = if r <= 5.0 {
        let r = r - 1.6;
        horner(&C, r) / horner(&D, r)
    } else {
        let r = r - 5.0;
        horner(&E, r) / horner(&F, r)
    };
    if q < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Evaluates `c[0] + c[1]·x + … + c[7]·x⁷` by Horner's rule.
fn horner(coefficients: &[f64; 8], x: f64) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// Whether `confidence` is a usable confidence level: strictly between 0 and 1 (not `NaN`).
fn is_confidence(confidence: f64) -> bool {
    confidence > 0.0 && confidence < 1.0
}

/// The Wilson score interval for a failure rate `k/n` (Wilson 1927), as `(low, high)`.
///
/// With `p̂ = k/n` and `z` = [`z_for_confidence`]`(confidence)`:
///
/// ```text
/// center = (p̂ + z²/(2n)) / (1 + z²/n)
/// half   = z/(1 + z²/n) · sqrt( p̂(1 − p̂)/n + z²/(4n²) )
/// CI     = [center − half, center + half]
/// ```
///
/// - Inputs: `failures` = k, `runs` = n, `confidence` strictly between 0 and 1 (two-sided).
/// - Output: rates between 0 and 1 with `low ≤ k/n ≤ high`. The ends are clamped to `[0, 1]`;
///   with `k = 0` the low end is exactly `0.0` and with `k = n` the high end exactly `1.0`
///   (true in exact arithmetic; set explicitly so rounding cannot leave `1e-17`).
/// - `None` when `runs == 0`, when `failures > runs`, or when `confidence` is not strictly
///   between 0 and 1.
///
/// Unlike the Wald interval `p̂ ± z·sqrt(p̂(1−p̂)/n)`, it never collapses to a point at `k = 0`,
/// which is the common case for a mostly stable test. No continuity correction.
///
/// Source: Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical
/// inference", *JASA* 22(158): 209–212; formula as in Newcombe (1998), "Two-sided confidence
/// intervals for the single proportion: comparison of seven methods", *Stat Med* 17: 857–872,
/// method 3.
///
/// # Examples
///
/// ```
/// use flakelens_core::metrics::stats::wilson_interval;
/// let (low, high) = wilson_interval(1, 20, 0.95).expect("20 runs");
/// assert!((low - 0.0089).abs() < 1e-4 && (high - 0.2361).abs() < 1e-4);
/// ```
pub fn wilson_interval(failures: u32, runs: u32, confidence: f64) -> Option<(f64, f64)> {
    if runs == 0 || failures > runs || !is_confidence(confidence) {
        return None;
    }
    let z = z_for_confidence(confidence);
    let n = f64::from(runs);
    let rate = f64::from(failures) / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let center = (rate + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (rate * (1.0 - rate) / n + z2 / (4.0 * n * n)).sqrt();
    let low = if failures == 0 {
        0.0
    } else {
        (center - half).clamp(0.0, 1.0)
    };
    let high = if failures == runs {
        1.0
    } else {
        (center + half).clamp(0.0, 1.0)
    };
    Some((low, high))
}

/// The exact one-sided upper confidence bound on the failure rate after `runs` runs with no
/// failure: `1 − α^(1/n)` with `α = 1 − confidence`.
///
/// It is the `p` that solves `(1 − p)^n = α`: any larger true rate would have shown at least one
/// failure in `n` runs with probability above `confidence` (the Clopper–Pearson bound for
/// `k = 0`). The "rule of three" `3/n` approximates it at 95 % (`−ln 0.05 ≈ 2.996`); the exact
/// bound is always slightly below `3/n`. Computed as `−expm1(ln α / n)` to keep precision for
/// large `n`.
///
/// - Inputs: `runs` = n; `confidence` strictly between 0 and 1 (one-sided).
/// - Output: a rate strictly between 0 and 1 (n = 10 → 0.259, 30 → 0.095, 100 → 0.0295,
///   300 → 0.0099 at 95 %).
/// - `None` when `runs == 0` or `confidence` is not strictly between 0 and 1.
///
/// Sources: Clopper, C. J. & Pearson, E. S. (1934), *Biometrika* 26(4): 404–413 (the exact
/// bound); Hanley, J. A. & Lippman-Hand, A. (1983), "If nothing goes wrong, is everything all
/// right?", *JAMA* 249(13): 1743–1745, and Eypasch et al. (1995), *BMJ* 311: 619–620 (rule of
/// three).
pub fn zero_failure_upper_bound(runs: u32, confidence: f64) -> Option<f64> {
    if runs == 0 || !is_confidence(confidence) {
        return None;
    }
    let alpha = 1.0 - confidence;
    let bound = -(alpha.ln() / f64::from(runs)).exp_m1();
    Some(bound.clamp(0.0, 1.0))
}

/// The smallest number of runs `n` that shows at least one failure with probability at least
/// `confidence`, for a test whose true failure rate is `failure_rate`:
/// the least `n` with `1 − (1 − p)^n ≥ confidence`, i.e. `n = ceil(ln α / ln(1 − p))` with
/// `α = 1 − confidence`.
///
/// - Inputs: `failure_rate` = p, a rate in `(0, 1]`; `confidence` strictly between 0 and 1.
/// - Output: a run count ≥ 1. At α = 0.05: p = 20 % → 14, 10 % → 29, 5 % → 59, 2 % → 149,
///   1 % → 299, 0.1 % → 2995.
/// - `p = 1` (a test that always fails) gives `Some(1)`: the first run fails, for any
///   confidence below 1. This is the limit of the formula, so it is returned instead of `None`.
/// - `None` when `p ≤ 0` (a failure is never observed), `p > 1` or `NaN`, when `confidence` is
///   not strictly between 0 and 1, or when the count does not fit in a `u64` (p below about
///   1e-19).
///
/// Exact integers: when `ln α / ln(1 − p)` is within a relative `1e-12` of an integer it is
/// taken to be that integer, because the boundary `1 − (1 − p)^n = confidence` satisfies `≥`.
/// Without this, p = 0.1 and confidence = 0.271 (where `1 − 0.9³ = 0.271` exactly) would give
/// 4 instead of 3, because the quotient rounds to `3.0000000000000004`.
///
/// Source: standard algebra on the binomial probability of zero failures, `(1 − p)^n`; see
/// metrics guide §2.2.
pub fn runs_to_observe(failure_rate: f64, confidence: f64) -> Option<u64> {
    // 2^64, the first f64 that does not fit in a u64.
    const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if !(is_confidence(confidence) && failure_rate > 0.0 && failure_rate <= 1.0) {
        return None;
    }
    if failure_rate == 1.0 {
        return Some(1);
    }
    let ratio = (1.0 - confidence).ln() / (-failure_rate).ln_1p();
    let nearest = ratio.round();
    let runs = if (ratio - nearest).abs() <= 1e-12 * nearest.max(1.0) {
        nearest
    } else {
        ratio.ceil()
    };
    let runs = runs.max(1.0);
    if runs.is_finite() && runs < U64_LIMIT {
        // In range: the cast is exact for integral values below 2^64.
        Some(runs as u64)
    } else {
        None
    }
}

/// The flip rate of an ordered outcome sequence: the number of adjacent pairs whose outcomes
/// differ, divided by the number of adjacent pairs, `flips / (n − 1)`.
///
/// - Input: outcomes in run order, `true` = failed (a failure or an error), `false` = passed.
///   The caller drops skipped runs first.
/// - Output: a ratio between 0 and 1; `0.0` when there are fewer than two outcomes.
///   `P P P F F` → 1/4 = 0.25 (one change, likely a regression); `P F P F P` → 4/4 = 1.0
///   (flaky), at a similar failure rate.
///
/// Source: "flipRate" of Kowalczyk, Nair, Gao, Silberstein, Long & Memon (2020), "Modeling and
/// ranking flaky tests at Apple", ICSE-SEIP 2020, §3.2, as transcribed in metrics guide §2.3
/// (docs.flakiness.io "flip rate"; F-Secure `calc_fliprate`).
pub fn flip_rate(failed: &[bool]) -> f64 {
    if failed.len() < 2 {
        return 0.0;
    }
    let flips = failed.windows(2).filter(|pair| pair[0] != pair[1]).count();
    flips as f64 / (failed.len() - 1) as f64
}

/// Binary (Shannon) entropy of a failure rate, in bits:
/// `E = −p·log₂ p − (1 − p)·log₂(1 − p)`, with `0·log₂ 0 = 0`.
///
/// - Input: `failure_rate` = p, between 0 and 1 (the fraction of runs of one revision that failed).
/// - Output: bits between 0 and 1: 0 for all-pass or all-fail, 1 for a 50/50 split, symmetric
///   in p ↔ 1 − p (p = 0.25 → 0.811). `NaN` when p is outside `[0, 1]` or `NaN`.
///
/// Source: Kowalczyk et al. (2020), "Modeling and ranking flaky tests at Apple", ICSE-SEIP 2020,
/// §3.2 (entropy of the reruns of one version), as transcribed in metrics guide §2.4; the
/// binary entropy function is Shannon (1948), "A mathematical theory of communication".
pub fn entropy(failure_rate: f64) -> f64 {
    fn term(x: f64) -> f64 {
        if x == 0.0 {
            0.0
        } else {
            -x * x.log2()
        }
    }
    if failure_rate.is_nan() || !(0.0..=1.0).contains(&failure_rate) {
        return f64::NAN;
    }
    (term(failure_rate) + term(1.0 - failure_rate)).clamp(0.0, 1.0)
}

/// Apple's exponentially weighted aggregation of per-version scores, newer versions weighing
/// more.
///
/// With `values` = `f_1 … f_n` ordered oldest first and decay `1 − λ`:
///
/// ```text
/// Z_1 = f_1
/// Z_i = f_i + (1 − λ)·Z_{i−1}
/// W   = Z_n / Σ_{i=0}^{n−1} (1 − λ)^i
/// ```
///
/// `W` is the weighted mean of the values with weight `(1 − λ)^(n−i)` on `f_i`, so it lies
/// between the smallest and the largest value (a flip rate or entropy stays in `[0, 1]`).
/// `λ = 0` gives the plain mean (the paper's unweighted `U_f`); `λ = 1` gives the newest value.
/// The paper uses `λ = 0.1`.
///
/// - Inputs: `values`, finite scores oldest first; `lambda` between 0 and 1.
/// - Output: the weighted score, in the values' unit.
/// - `None` for an empty slice or `lambda` outside `[0, 1]` (or `NaN`).
///
/// Source: Kowalczyk et al. (2020), "Modeling and ranking flaky tests at Apple", ICSE-SEIP 2020,
/// §3.3 (weighted flakiness `W_f`), as transcribed in metrics guide §2.4 from the
/// adamnpeace/flaky-tests reimplementation.
pub fn exponentially_weighted(values: &[f64], lambda: f64) -> Option<f64> {
    if values.is_empty() || lambda.is_nan() || !(0.0..=1.0).contains(&lambda) {
        return None;
    }
    let decay = 1.0 - lambda;
    // Z and the normaliser follow the same recursion, the normaliser with every f_i = 1:
    // N_1 = 1, N_i = 1 + (1 − λ)·N_{i−1} = Σ_{j=0}^{i−1} (1 − λ)^j.
    let (weighted, normaliser) = values.iter().fold((0.0, 0.0), |(z, norm), &f| {
        (f + decay * z, 1.0 + decay * norm)
    });
    Some(weighted / normaliser)
}

/// The posterior mean failure rate under a uniform Beta(1, 1) prior: `(1 + k) / (2 + n)`
/// (Laplace's rule of succession).
///
/// With `k` failures in `n` runs the posterior is Beta(1 + k, 1 + n − k), whose mean is this
/// value. It shrinks small samples toward 1/2: no runs → 0.5, 1 failure in 8 runs → 0.2.
///
/// - Inputs: `failures` = k, `runs` = n. A `failures` above `runs` (a caller bug) is treated as
///   `runs`, keeping the function total.
/// - Output: a rate strictly between 0 and 1.
///
/// Source: Beta–Binomial conjugacy (e.g. Gelman et al., *Bayesian Data Analysis*, 3rd ed.,
/// §2.4); the Beta(1, 1) prior is the one Temporal's flakereport uses (metrics guide §2.2).
pub fn beta_posterior_mean(failures: u32, runs: u32) -> f64 {
    let failures = failures.min(runs);
    (1.0 + f64::from(failures)) / (2.0 + f64::from(runs))
}

/// The posterior probability that the true failure rate exceeds `threshold`, `P(p > t)`, under
/// the Beta(1 + k, 1 + n − k) posterior of a uniform Beta(1, 1) prior.
///
/// For integer parameters the Beta tail equals a binomial CDF
/// (`I_t(a, b) = P(Binomial(a + b − 1, t) ≥ a)`), so
///
/// ```text
/// P(p > t) = P(Binomial(n + 1, t) ≤ k) = Σ_{j=0}^{k} C(n+1, j) · t^j · (1 − t)^(n+1−j)
/// ```
///
/// The terms are summed in log space (log-factorials and a running log-sum-exp), so `n` up to
/// 100 000 neither overflows nor loses precision; a probability below about 1e-308 underflows
/// to `0.0`. The cost is `O(k)`.
///
/// - Inputs: `failures` = k, `runs` = n, `threshold` = t, a rate. A `failures` above `runs` (a
///   caller bug) is treated as `runs`.
/// - Output: a probability between 0 and 1, non-increasing in `t`. `t ≤ 0` gives 1, `t ≥ 1`
///   gives 0, a `NaN` threshold gives `NaN`.
///
/// Source: Beta–Binomial conjugacy and the Beta–binomial tail identity (Abramowitz & Stegun,
/// *Handbook of Mathematical Functions*, 26.5.24 and 26.5.26); a "PFS-like" score in the sense
/// of metrics guide §2.5.
pub fn beta_posterior_exceedance(failures: u32, runs: u32, threshold: f64) -> f64 {
    if threshold.is_nan() {
        return f64::NAN;
    }
    if threshold <= 0.0 {
        return 1.0;
    }
    if threshold >= 1.0 {
        return 0.0;
    }
    let failures = u64::from(failures.min(runs));
    let trials = u64::from(runs) + 1;
    let ln_t = threshold.ln();
    let ln_1mt = (-threshold).ln_1p();
    let ln_n_factorial = ln_factorial(trials);
    // Running log-sum-exp: the sum is `scale · e^max`.
    let mut max = f64::NEG_INFINITY;
    let mut scale = 0.0;
    for j in 0..=failures {
        let log_term = ln_n_factorial - ln_factorial(j) - ln_factorial(trials - j)
            + j as f64 * ln_t
            + (trials - j) as f64 * ln_1mt;
        if log_term > max {
            scale = scale * (max - log_term).exp() + 1.0;
            max = log_term;
        } else {
            scale += (log_term - max).exp();
        }
    }
    (scale * max.exp()).clamp(0.0, 1.0)
}

/// `ln(n!)`: exact products for `n ≤ 20` (20! < 2⁶³), Stirling's series beyond.
///
/// Stirling's series (Abramowitz & Stegun 6.1.41, with `ln n! = ln n + ln Γ(n)`):
/// `ln n! = (n + ½)·ln n − n + ½·ln 2π + 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷)`,
/// whose truncation error for `n ≥ 21` is below `1/(1188·21⁹) ≈ 1e-15`, under one ulp of
/// `ln 21! ≈ 51`.
fn ln_factorial(n: u64) -> f64 {
    if n <= 20 {
        let product: u64 = (2..=n).product();
        return (product as f64).ln();
    }
    let x = n as f64;
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let half_ln_two_pi = 0.918_938_533_204_672_8;
    let series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
    (x + 0.5) * x.ln() - x + half_ln_two_pi + series
}

/// `ln C(n, k)` for `k ≤ n`.
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

/// The difference of two failure rates `p₁ − p₂ = k₁/n₁ − k₂/n₂` with Newcombe's hybrid score
/// interval, as `(difference, low, high)`.
///
/// With Wilson intervals `(l₁, u₁)` for `k₁/n₁` and `(l₂, u₂)` for `k₂/n₂` (see
/// [`wilson_interval`], same confidence):
///
/// ```text
/// low  = (p₁ − p₂) − sqrt( (p₁ − l₁)² + (u₂ − p₂)² )
/// high = (p₁ − p₂) + sqrt( (u₁ − p₁)² + (p₂ − l₂)² )
/// ```
///
/// Use it to compare two conditions for one test (parallel vs sequential, before vs after a
/// fix): an interval that excludes 0 is a significant difference at that confidence.
///
/// - Inputs: group 1 = `k1` failures in `n1` runs, group 2 = `k2` in `n2`; `confidence`
///   strictly between 0 and 1 (two-sided).
/// - Output: rates between −1 and 1 with `low ≤ difference ≤ high`.
/// - `None` when `n1 == 0` or `n2 == 0`, when a failure count exceeds its run count, or when
///   `confidence` is not strictly between 0 and 1.
///
/// Source: Newcombe, R. G. (1998), "Interval estimation for the difference between independent
/// proportions: comparison of eleven methods", *Stat Med* 17: 873–890, method 10 (score
/// interval for each proportion, no continuity correction). Worked example: 56/70 vs 48/80 →
/// 0.2000, 95 % CI 0.0524 to 0.3339.
pub fn newcombe_difference(
    k1: u32,
    n1: u32,
    k2: u32,
    n2: u32,
    confidence: f64,
) -> Option<(f64, f64, f64)> {
    let (l1, u1) = wilson_interval(k1, n1, confidence)?;
    let (l2, u2) = wilson_interval(k2, n2, confidence)?;
    let p1 = f64::from(k1) / f64::from(n1);
    let p2 = f64::from(k2) / f64::from(n2);
    let difference = p1 - p2;
    let below = (p1 - l1).hypot(u2 - p2);
    let above = (u1 - p1).hypot(p2 - l2);
    Some((
        difference,
        (difference - below).max(-1.0),
        (difference + above).min(1.0),
    ))
}

/// The two-sided p-value of Fisher's exact test on the 2×2 table of failures and passes in two
/// groups, `(k1, n1 − k1; k2, n2 − k2)`.
///
/// Under the null hypothesis (same failure rate), with all margins fixed, the number of
/// failures in group 1 is hypergeometric:
/// `P(x) = C(n1, x)·C(n2, m − x) / C(n1 + n2, m)` with `m = k1 + k2`, for
/// `max(0, m − n2) ≤ x ≤ min(n1, m)`. The p-value is the total probability of the tables no
/// more likely than the observed one: `Σ P(x)` over `x` with `P(x) ≤ P(k1)·(1 + 10⁻⁷)`. The
/// relative tolerance makes tables that are equally likely in exact arithmetic count despite
/// rounding, as R's `fisher.test` does. Probabilities come from log-factorials, normalised over
/// the support, so large counts neither overflow nor underflow early.
///
/// - Inputs: group 1 = `k1` failures in `n1` runs, group 2 = `k2` in `n2`. A failure count above
///   its run count (a caller bug) is treated as the run count.
/// - Output: a p-value in `(0, 1]` (it can underflow to `0.0` only below about 1e-308). A table
///   with an empty group or no variation has a single possible table, so p = 1.
///
/// Source: Fisher, R. A. (1935), *The Design of Experiments* (the tea-tasting table 3,1;1,3 →
/// 34/70 = 0.4857); the two-sided "sum of less likely tables" rule and its `1 + 10⁻⁷`
/// tolerance follow R's `stats::fisher.test` (Agresti, *Categorical Data Analysis*, 2nd ed.,
/// §3.5.1).
pub fn fisher_exact_two_sided(k1: u32, n1: u32, k2: u32, n2: u32) -> f64 {
    const RELATIVE_TOLERANCE: f64 = 1.0 + 1e-7;
    let (n1, n2) = (u64::from(n1), u64::from(n2));
    let k1 = u64::from(k1).min(n1);
    let k2 = u64::from(k2).min(n2);
    let failures = k1 + k2;
    let lowest = failures.saturating_sub(n2);
    let highest = failures.min(n1);
    // log P(x) up to the constant −ln C(n1 + n2, m), which cancels when normalising.
    let log_density = |x: u64| ln_choose(n1, x) + ln_choose(n2, failures - x);
    let max = (lowest..=highest)
        .map(log_density)
        .fold(f64::NEG_INFINITY, f64::max);
    let observed = (log_density(k1) - max).exp();
    let mut total = 0.0;
    let mut as_extreme = 0.0;
    for x in lowest..=highest {
        let density = (log_density(x) - max).exp();
        total += density;
        if density <= observed * RELATIVE_TOLERANCE {
            as_extreme += density;
        }
    }
    (as_extreme / total).min(1.0)
}

/// The arithmetic mean `Σ x / n`.
///
/// - Input: finite values (callers filter out `NaN`); any unit.
/// - Output: the mean in the values' unit; `None` for an empty slice.
///
/// Source: the textbook definition.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// The median: the middle value of the sorted values, or the average of the two middle values
/// when `n` is even.
///
/// - Input: finite values (callers filter out `NaN`; sorting uses `f64::total_cmp`); any unit.
/// - Output: the median in the values' unit; `None` for an empty slice.
///
/// Source: the textbook definition (e.g. NIST/SEMATECH e-Handbook of Statistical Methods,
/// §1.3.5.1).
pub fn median(values: &[f64]) -> Option<f64> {
    median_of_sorted(&sorted(values))
}

/// [`median`] of values already sorted by `f64::total_cmp`; `None` for an empty slice.
pub fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

/// The `percentile`-th percentile by the nearest-rank method: the value at 1-based rank
/// `ceil(P/100 · n)` of the sorted values, and the smallest value when that rank is 0.
///
/// The result is always one of the values (no interpolation). `P = 50` is the lower median for
/// even `n`, and `P = 100` is the maximum. The rank is computed as `ceil(P·n/100)` so that an
/// exact product such as `30·10/100 = 3` is not pushed to 4 by rounding.
///
/// - Inputs: finite values (callers filter out `NaN`; sorting uses `f64::total_cmp`);
///   `percentile` = P between 0 and 100 (a percentage, not a ratio).
/// - Output: one of the values; `None` for an empty slice or P outside `[0, 100]` (or `NaN`).
///
/// Source: the nearest-rank method as defined in Wikipedia, "Percentile" (examples: 15, 20, 35,
/// 40, 50 → P30 = 20, P40 = 20, P50 = 35, P100 = 50).
pub fn percentile_nearest_rank(values: &[f64], percentile: f64) -> Option<f64> {
    percentile_of_sorted(&sorted(values), percentile)
}

/// [`percentile_nearest_rank`] of values already sorted by `f64::total_cmp`; `None` for an
/// empty slice or P outside `[0, 100]` (or `NaN`).
pub fn percentile_of_sorted(sorted: &[f64], percentile: f64) -> Option<f64> {
    if sorted.is_empty() || percentile.is_nan() || !(0.0..=100.0).contains(&percentile) {
        return None;
    }
    let n = sorted.len();
    // In range: 0 ≤ rank ≤ n, since P·n/100 ≤ n.
    let rank = ((percentile * n as f64) / 100.0).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// The coefficient of variation: the sample standard deviation (with `n − 1`) divided by the
/// mean, `s / x̄`, e.g. the relative spread of a test's durations.
///
/// - Input: finite values (callers filter out `NaN`), e.g. durations in seconds.
/// - Output: a unitless ratio ≥ 0 for a positive mean (negative when the mean is negative).
/// - `None` when there are fewer than two values or the mean is 0.
///
/// Computed in two passes (mean, then squared deviations) for numerical stability.
///
/// Source: the textbook definition (e.g. NIST/SEMATECH e-Handbook of Statistical Methods,
/// §1.3.5.6, sample standard deviation with `N − 1`).
pub fn coefficient_of_variation(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let mean = mean(values)?;
    if mean == 0.0 {
        return None;
    }
    let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
    let variance = squares / (values.len() - 1) as f64;
    Some(variance.sqrt() / mean)
}

/// A sorted copy, ordered by `f64::total_cmp`.
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut copy = values.to_vec();
    copy.sort_by(f64::total_cmp);
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Asserts `|actual − expected| ≤ tolerance`, naming the quantity on failure.
    #[track_caller]
    fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{what}: got {actual}, expected {expected} ± {tolerance}"
        );
    }

    // ---- normal quantile -------------------------------------------------------------------

    // Reference quantiles are the standard published values of Φ⁻¹ (NIST/SEMATECH e-Handbook
    // §1.3.6.7.1 prints them to 3 decimals: 1.282, 1.645, 1.960, 2.576, 3.090); the full digits
    // were re-derived independently at 30 digits as √2·erfinv(2p − 1) with mpmath.

    #[test]
    fn z_for_95_percent_is_the_published_critical_value() {
        // z_{0.975} = 1.959963984540054…, z_{0.995} = 2.575829303548901…,
        // z_{0.95} = 1.644853626951473….
        assert_close(
            z_for_confidence(0.95),
            1.959_963_984_540_054,
            1e-9,
            "z(0.95)",
        );
        assert_close(
            z_for_confidence(0.99),
            2.575_829_303_548_901,
            1e-9,
            "z(0.99)",
        );
        assert_close(
            z_for_confidence(0.90),
            1.644_853_626_951_473,
            1e-9,
            "z(0.90)",
        );
    }

    #[test]
    fn normal_quantile_matches_tables_in_all_three_regions() {
        // Central region (|p − 0.5| ≤ 0.425): Φ⁻¹(0.5) = 0 by symmetry,
        // Φ⁻¹(0.9) = 1.281551565544600….
        assert_eq!(normal_quantile(0.5), 0.0);
        assert_close(normal_quantile(0.9), 1.281_551_565_544_6, 1e-12, "Φ⁻¹(0.9)");
        // First tail region (r = sqrt(−ln p) ≤ 5): Φ⁻¹(0.001) = −3.090232306167814….
        assert_close(
            normal_quantile(0.001),
            -3.090_232_306_167_814,
            1e-12,
            "Φ⁻¹(0.001)",
        );
        // Far tail (r > 5, i.e. p < e⁻²⁵ ≈ 1.4e-11): Φ⁻¹(1e-12) = −7.034483825301….
        assert_close(
            normal_quantile(1e-12),
            -7.034_483_825_301,
            1e-10,
            "Φ⁻¹(1e-12)",
        );
        // Symmetry Φ⁻¹(1 − p) = −Φ⁻¹(p), up to the rounding of 0.975 itself.
        assert_close(
            normal_quantile(0.975),
            -normal_quantile(0.025),
            1e-12,
            "symmetry",
        );
    }

    #[test]
    fn normal_quantile_edges() {
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(-0.1).is_nan());
        assert!(normal_quantile(1.1).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
        assert!(z_for_confidence(0.0).is_nan());
        assert!(z_for_confidence(1.0).is_nan());
    }

    // ---- Wilson ----------------------------------------------------------------------------

    #[test]
    fn wilson_one_failure_in_twenty() {
        // z = 1.959964, z² = 3.841459, n = 20: z²/n = 0.1920729, denominator = 1.1920729.
        // center = (0.05 + 3.841459/40) / 1.1920729 = 0.1460365 / 1.1920729 = 0.1225064.
        // half = (1.959964 / 1.1920729) · sqrt(0.05·0.95/20 + 3.841459/1600)
        //      = 1.6441626 · sqrt(0.002375 + 0.0024009) = 1.6441626 · 0.0691079 = 0.1136249.
        // → [0.0088815, 0.2361313]; metrics guide §2.2: [0.9 %, 23.6 %].
        let (low, high) = wilson_interval(1, 20, 0.95).expect("20 runs, valid confidence");
        assert_close(low, 0.008_881_5, 2e-6, "low");
        assert_close(high, 0.236_131_3, 2e-6, "high");
    }

    #[test]
    fn wilson_zero_failures_has_an_exact_zero_low_end() {
        // k = 0: center = half = (z²/2n)/(1 + z²/n); high = (z²/n)/(1 + z²/n)
        // = 0.1920729 / 1.1920729 = 0.1611252; metrics guide §2.2: [0 %, 16.1 %];
        // Newcombe (1998a) Table I, 0/20, method 3: 0.0000 to 0.1611.
        let (low, high) = wilson_interval(0, 20, 0.95).expect("20 runs, valid confidence");
        assert_eq!(low, 0.0);
        assert_close(high, 0.161_125, 2e-6, "high");
    }

    #[test]
    fn wilson_all_failures_has_an_exact_one_high_end() {
        // Mirror image of 0/20: low = 1 − 0.1611252 = 0.8388748.
        let (low, high) = wilson_interval(20, 20, 0.95).expect("20 runs, valid confidence");
        assert_eq!(high, 1.0);
        assert_close(low, 0.838_874_8, 2e-6, "low");
    }

    #[test]
    fn wilson_matches_metrics_guide_and_newcombe_table() {
        // metrics guide §2.2: 3/10 → [10.8 %, 60.3 %].
        let (low, high) = wilson_interval(3, 10, 0.95).expect("valid");
        assert_close(low, 0.108, 5e-4, "3/10 low");
        assert_close(high, 0.603, 5e-4, "3/10 high");
        // Newcombe (1998a), Stat Med 17:857–872, Table I, method 3 (score, no correction):
        // 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 1/29 → 0.0061 to 0.1718.
        for (k, n, want_low, want_high) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (1, 29, 0.0061, 0.1718),
        ] {
            let (low, high) = wilson_interval(k, n, 0.95).expect("valid");
            assert_close(low, want_low, 5e-5, "Newcombe Table I low");
            assert_close(high, want_high, 5e-5, "Newcombe Table I high");
        }
    }

    #[test]
    fn wilson_rejects_bad_input() {
        assert_eq!(wilson_interval(0, 0, 0.95), None);
        assert_eq!(wilson_interval(3, 2, 0.95), None);
        assert_eq!(wilson_interval(1, 2, 1.0), None);
        assert_eq!(wilson_interval(1, 2, 0.0), None);
        assert_eq!(wilson_interval(1, 2, f64::NAN), None);
    }

    // ---- zero-failure bound and runs to observe ----------------------------------------------

    #[test]
    fn zero_failure_bound_matches_metrics_guide_table() {
        // 1 − 0.05^(1/n) = 1 − e^(ln 0.05 / n), ln 0.05 = −2.9957323:
        // n = 10: 1 − e^−0.29957323 = 1 − 0.7411344 = 0.2588656 (table 0.259)
        // n = 30: 1 − e^−0.09985774 = 1 − 0.9049661 = 0.0950339 (table 0.095)
        // n = 100: 1 − e^−0.02995732 = 1 − 0.9704870 = 0.0295130 (table 0.0295)
        // n = 300: 1 − e^−0.00998577 = 1 − 0.9900639 = 0.0099361 (table 0.0099)
        for (n, want) in [
            (10, 0.258_865_6),
            (30, 0.095_033_9),
            (100, 0.029_513_0),
            (300, 0.009_936_1),
        ] {
            let bound = zero_failure_upper_bound(n, 0.95).expect("valid");
            assert_close(bound, want, 2e-7, "1 − 0.05^(1/n)");
        }
    }

    #[test]
    fn zero_failure_bound_small_exact_cases() {
        // n = 1: 1 − α = confidence. n = 2 at 75 %: 1 − 0.25^(1/2) = 1 − 0.5 = 0.5.
        assert_close(
            zero_failure_upper_bound(1, 0.95).expect("valid"),
            0.95,
            1e-15,
            "n=1",
        );
        assert_close(
            zero_failure_upper_bound(2, 0.75).expect("valid"),
            0.5,
            1e-15,
            "n=2",
        );
        assert_eq!(zero_failure_upper_bound(0, 0.95), None);
        assert_eq!(zero_failure_upper_bound(10, 1.0), None);
    }

    #[test]
    fn runs_to_observe_matches_metrics_guide_table() {
        // ceil(ln α / ln(1 − p)); ln 0.05 = −2.9957323, ln 0.01 = −4.6051702.
        // p = 0.2:   ln 0.8   = −0.2231436  → 13.425 → 14;  20.638 → 21
        // p = 0.1:   ln 0.9   = −0.1053605  → 28.433 → 29;  43.709 → 44
        // p = 0.05:  ln 0.95  = −0.0512933  → 58.404 → 59;  89.781 → 90
        // p = 0.02:  ln 0.98  = −0.0202027  → 148.28 → 149; 227.95 → 228
        // p = 0.01:  ln 0.99  = −0.0100503  → 298.07 → 299; 458.21 → 459
        // p = 0.001: ln 0.999 = −0.0010005  → 2994.2 → 2995; 4602.9 → 4603
        for (p, at_95, at_99) in [
            (0.2, 14, 21),
            (0.1, 29, 44),
            (0.05, 59, 90),
            (0.02, 149, 228),
            (0.01, 299, 459),
            (0.001, 2995, 4603),
        ] {
            assert_eq!(runs_to_observe(p, 0.95), Some(at_95), "p = {p}, 95 %");
            assert_eq!(runs_to_observe(p, 0.99), Some(at_99), "p = {p}, 99 %");
        }
    }

    #[test]
    fn runs_to_observe_exact_boundaries_do_not_round_up() {
        // 1 − 0.5² = 0.75, 1 − 0.1² = 0.99, 1 − 0.5³ = 0.875, 1 − 0.9³ = 0.271, 1 − 0.9² = 0.19:
        // the boundary satisfies "≥", so n is the exponent itself.
        assert_eq!(runs_to_observe(0.5, 0.75), Some(2));
        assert_eq!(runs_to_observe(0.9, 0.99), Some(2));
        assert_eq!(runs_to_observe(0.5, 0.875), Some(3));
        assert_eq!(runs_to_observe(0.1, 0.271), Some(3));
        assert_eq!(runs_to_observe(0.1, 0.19), Some(2));
        // Just past a boundary: 1 − 0.5² = 0.75 < 0.76 ≤ 1 − 0.5³ → 3.
        assert_eq!(runs_to_observe(0.5, 0.76), Some(3));
    }

    #[test]
    fn runs_to_observe_edges() {
        // An always-failing test fails on its first run.
        assert_eq!(runs_to_observe(1.0, 0.999), Some(1));
        // 1 − 0.5 = 0.5 ≥ 0.3 → one run suffices.
        assert_eq!(runs_to_observe(0.5, 0.3), Some(1));
        assert_eq!(runs_to_observe(0.0, 0.95), None);
        assert_eq!(runs_to_observe(-0.1, 0.95), None);
        assert_eq!(runs_to_observe(1.5, 0.95), None);
        assert_eq!(runs_to_observe(f64::NAN, 0.95), None);
        assert_eq!(runs_to_observe(0.1, 1.0), None);
        // p = 1e-300: ln α / ln(1 − p) ≈ 3e300 runs, far beyond u64.
        assert_eq!(runs_to_observe(1e-300, 0.95), None);
    }

    // ---- flip rate, entropy, weighting -------------------------------------------------------

    #[test]
    fn flip_rate_examples() {
        let (p, f) = (false, true);
        // P P P F F: one change among 4 pairs → 0.25 (metrics guide §2.3).
        assert_eq!(flip_rate(&[p, p, p, f, f]), 0.25);
        // P F P F P: 4 changes among 4 pairs → 1.0.
        assert_eq!(flip_rate(&[p, f, p, f, p]), 1.0);
        // The Apple example's tc_2 at version 1 (P P F F): 1/3 (adamnpeace/flaky-tests).
        assert_eq!(flip_rate(&[p, p, f, f]), 1.0 / 3.0);
        assert_eq!(flip_rate(&[]), 0.0);
        assert_eq!(flip_rate(&[f]), 0.0);
        assert_eq!(flip_rate(&[f, f, f]), 0.0);
    }

    #[test]
    fn entropy_examples() {
        assert_eq!(entropy(0.0), 0.0);
        assert_eq!(entropy(1.0), 0.0);
        // −½·log₂ ½ − ½·log₂ ½ = ½ + ½ = 1.
        assert_eq!(entropy(0.5), 1.0);
        // −¼·log₂ ¼ − ¾·log₂ ¾ = ½ + ¾·0.4150375 = 0.5 + 0.3112781 = 0.8112781.
        assert_close(entropy(0.25), 0.811_278_1, 1e-7, "H(1/4)");
        assert_close(entropy(0.75), 0.811_278_1, 1e-7, "H(3/4)");
        // p = 2/3: ⅔·log₂ 1.5 + ⅓·log₂ 3 = ⅔·0.5849625 + ⅓·1.5849625 = 0.3899750 + 0.5283208
        //        = 0.9182958.
        assert_close(entropy(2.0 / 3.0), 0.918_295_8, 1e-7, "H(2/3)");
        assert!(entropy(-0.1).is_nan());
        assert!(entropy(1.1).is_nan());
        assert!(entropy(f64::NAN).is_nan());
    }

    #[test]
    fn exponentially_weighted_three_values_by_hand() {
        // λ = 0.1, values 1, 0, 0.5 (oldest first):
        // Z1 = 1; Z2 = 0 + 0.9·1 = 0.9; Z3 = 0.5 + 0.9·0.9 = 1.31.
        // Normaliser = 1 + 0.9 + 0.81 = 2.71. W = 1.31 / 2.71 = 0.4833948.
        let w = exponentially_weighted(&[1.0, 0.0, 0.5], 0.1).expect("non-empty");
        assert_close(w, 0.483_394_8, 1e-7, "W");
        // λ = 0.5, values 0, 0, 1: Z = 0, 0, 1; normaliser 1 + 0.5 + 0.25 = 1.75 → 4/7.
        let w = exponentially_weighted(&[0.0, 0.0, 1.0], 0.5).expect("non-empty");
        assert_close(w, 4.0 / 7.0, 1e-15, "newest weighs 4/7");
        // Reversed: Z = 1, 0.5, 0.25 → 0.25 / 1.75 = 1/7.
        let w = exponentially_weighted(&[1.0, 0.0, 0.0], 0.5).expect("non-empty");
        assert_close(w, 1.0 / 7.0, 1e-15, "oldest weighs 1/7");
    }

    #[test]
    fn exponentially_weighted_apple_example() {
        // The Apple paper's example, test tc_2, entropies of versions 1–4 as computed by the
        // adamnpeace/flaky-tests reimplementation: 1, 0, 1, H(2/3) = 0.9182958.
        // Z = 1, 0.9, 1 + 0.81 = 1.81, 0.9182958 + 1.629 = 2.5472958;
        // normaliser = 1 + 0.9 + 0.81 + 0.729 = 3.439; W = 0.7407083 (reimplementation: 0.741;
        // the paper prints 0.76, unverified — see metrics guide §2.4).
        let w =
            exponentially_weighted(&[1.0, 0.0, 1.0, entropy(2.0 / 3.0)], 0.1).expect("non-empty");
        assert_close(w, 0.740_708_3, 1e-7, "W_E(tc_2)");
    }

    #[test]
    fn exponentially_weighted_limits() {
        // λ = 0 is the plain mean (1 + 0 + 0.5)/3 = 0.5; λ = 1 is the newest value.
        let values = [1.0, 0.0, 0.5];
        assert_close(
            exponentially_weighted(&values, 0.0).expect("non-empty"),
            0.5,
            1e-15,
            "λ = 0",
        );
        assert_eq!(exponentially_weighted(&values, 1.0), Some(0.5));
        assert_eq!(exponentially_weighted(&[0.3], 0.1), Some(0.3));
        assert_eq!(exponentially_weighted(&[], 0.1), None);
        assert_eq!(exponentially_weighted(&values, 1.5), None);
        assert_eq!(exponentially_weighted(&values, f64::NAN), None);
    }

    // ---- Beta posterior ----------------------------------------------------------------------

    #[test]
    fn beta_posterior_mean_examples() {
        // (1 + 0)/(2 + 0) = 0.5; (1 + 1)/(2 + 8) = 0.2; (1 + 20)/(2 + 20) = 21/22.
        assert_eq!(beta_posterior_mean(0, 0), 0.5);
        assert_eq!(beta_posterior_mean(1, 8), 0.2);
        assert_eq!(beta_posterior_mean(20, 20), 21.0 / 22.0);
        // failures > runs is clamped to runs.
        assert_eq!(beta_posterior_mean(9, 8), beta_posterior_mean(8, 8));
    }

    #[test]
    fn beta_posterior_exceedance_small_cases_by_hand() {
        // k = 0, n = 0: uniform posterior, P(p > 0.3) = 0.7 = P(Bin(1, 0.3) = 0).
        assert_close(beta_posterior_exceedance(0, 0, 0.3), 0.7, 1e-14, "k0 n0");
        // k = 0, n = 1: Beta(1, 2), P(p > ½) = ∫_{½}^1 2(1 − p) dp = (1 − ½)² = 0.25.
        assert_close(beta_posterior_exceedance(0, 1, 0.5), 0.25, 1e-14, "k0 n1");
        // k = 1, n = 1: Beta(2, 1), P(p > ½) = 1 − (½)² = 0.75.
        assert_close(beta_posterior_exceedance(1, 1, 0.5), 0.75, 1e-14, "k1 n1");
        // k = 1, n = 3: Beta(2, 3), P(p > ½) = ∫_{½}^1 12 p (1 − p)² dp
        //   = 12·[p²/2 − 2p³/3 + p⁴/4]_{½}^{1} = 12·(1/12 − 11/192) = 12·5/192 = 5/16,
        // and P(Bin(4, ½) ≤ 1) = (1 + 4)/16 = 5/16.
        assert_close(
            beta_posterior_exceedance(1, 3, 0.5),
            5.0 / 16.0,
            1e-14,
            "k1 n3",
        );
    }

    #[test]
    fn beta_posterior_exceedance_large_n_keeps_precision() {
        // k = 0, n = 100 000, t = 1e-5: (1 − 1e-5)^100001
        //   = exp(100001 · ln(1 − 1e-5)) = exp(−100001 · 1.0000050000333e-5)
        //   = exp(−1.0000150000833) = e⁻¹ · e^−0.0000150000833
        //   = 0.3678794412 · 0.9999849999 = 0.3678739230.
        assert_close(
            beta_posterior_exceedance(0, 100_000, 1e-5),
            0.367_873_923_0,
            2e-9,
            "k0 n1e5",
        );
        // k = 49 999, n = 99 999, t = ½: P(Bin(100 000, ½) ≤ 49 999) = (1 − P(X = 50 000))/2,
        // P(X = 50 000) = C(100000, 50000)/2^100000 ≈ (1 − 1/(8·50000)) / sqrt(π·50000)
        //   = 0.9999975 / 396.332729 = 0.00252312;  → (1 − 0.00252312)/2 = 0.49873844.
        assert_close(
            beta_posterior_exceedance(49_999, 99_999, 0.5),
            0.498_738_44,
            1e-8,
            "central n1e5",
        );
    }

    #[test]
    fn beta_posterior_exceedance_edges() {
        assert_eq!(beta_posterior_exceedance(3, 10, 0.0), 1.0);
        assert_eq!(beta_posterior_exceedance(3, 10, -1.0), 1.0);
        assert_eq!(beta_posterior_exceedance(3, 10, 1.0), 0.0);
        assert!(beta_posterior_exceedance(3, 10, f64::NAN).is_nan());
        // failures > runs is clamped: k = n = 1, Beta(2, 1) → 0.75.
        assert_close(beta_posterior_exceedance(5, 1, 0.5), 0.75, 1e-14, "clamped");
    }

    #[test]
    fn ln_factorial_matches_exact_factorials() {
        // Exact n! in u128 (34! < 2^128) is independent of both branches (n ≤ 20 products,
        // n ≥ 21 Stirling).
        let mut exact: u128 = 1;
        for n in 0..=34_u64 {
            if n > 1 {
                exact *= u128::from(n);
            }
            let want = (exact as f64).ln();
            assert_close(ln_factorial(n), want, 1e-13 * want.max(1.0), "ln n!");
        }
        // 1000! = 4.0238726007709…e2567, so log10(1000!) = 2567.6046442221 (e.g. OEIS/A&S).
        assert_close(
            ln_factorial(1000) / std::f64::consts::LN_10,
            2_567.604_644_222_1,
            1e-9,
            "log10 1000!",
        );
    }

    // ---- Newcombe ----------------------------------------------------------------------------

    #[test]
    fn newcombe_worked_examples() {
        // Newcombe (1998b), Stat Med 17:873–890, Table II, method 10:
        // (a) 56/70 − 48/80 = 0.2000, 0.0524 to 0.3339 (the paper's worked example);
        // (b) 9/10 − 3/10 = 0.6, 0.1705 to 0.8090;
        // (d) 5/56 − 0/29 = 0.0893, −0.0381 to 0.1926;
        // (h) 10/10 − 0/10 = 1.0, 0.6075 to 1.0000.
        // (All four re-derived independently at 40 digits from the Wilson limits.)
        for (k1, n1, k2, n2, diff, low, high) in [
            (56, 70, 48, 80, 0.2, 0.0524, 0.3339),
            (9, 10, 3, 10, 0.6, 0.1705, 0.8090),
            (5, 56, 0, 29, 5.0 / 56.0, -0.0381, 0.1926),
            (10, 10, 0, 10, 1.0, 0.6075, 1.0),
        ] {
            let (d, l, h) = newcombe_difference(k1, n1, k2, n2, 0.95).expect("valid");
            assert_close(d, diff, 1e-12, "difference");
            assert_close(l, low, 5e-5, "low");
            assert_close(h, high, 5e-5, "high");
        }
    }

    #[test]
    fn newcombe_by_hand_from_wilson_limits() {
        // 0/20 vs 1/20: Wilson 0/20 = [0, 0.1611252], 1/20 = [0.0088815, 0.2361313].
        // diff = −0.05; low = −0.05 − sqrt(0² + (0.2361313 − 0.05)²) = −0.05 − 0.1861313
        //      = −0.2361313; high = −0.05 + sqrt(0.1611252² + (0.05 − 0.0088815)²)
        //      = −0.05 + sqrt(0.0259613 + 0.0016907) = −0.05 + 0.1662889 = 0.1162889.
        let (d, l, h) = newcombe_difference(0, 20, 1, 20, 0.95).expect("valid");
        assert_close(d, -0.05, 1e-15, "difference");
        assert_close(l, -0.236_131_3, 3e-6, "low");
        assert_close(h, 0.116_288_9, 3e-6, "high");
    }

    #[test]
    fn newcombe_rejects_bad_input() {
        assert_eq!(newcombe_difference(0, 0, 1, 2, 0.95), None);
        assert_eq!(newcombe_difference(1, 2, 0, 0, 0.95), None);
        assert_eq!(newcombe_difference(3, 2, 0, 2, 0.95), None);
        assert_eq!(newcombe_difference(1, 2, 0, 2, 1.0), None);
    }

    // ---- Fisher ------------------------------------------------------------------------------

    #[test]
    fn fisher_small_tables_by_hand() {
        // 3/3 vs 0/3: margins 3,3 / 3,3, N = 6; P(x) = C(3,x)·C(3,3−x)/C(6,3) for x = 0..3
        // = 1/20, 9/20, 9/20, 1/20. Observed x = 3 (1/20); tables as extreme: x = 0 and 3
        // → p = 2/20 = 0.1.
        assert_close(fisher_exact_two_sided(3, 3, 0, 3), 0.1, 1e-12, "3/3 vs 0/3");
        // Tea tasting (Fisher 1935), 3,1;1,3: P(x) = C(4,x)·C(4,4−x)/C(8,4)
        // = 1/70, 16/70, 36/70, 16/70, 1/70; observed x = 3 (16/70)
        // → p = (1 + 16 + 16 + 1)/70 = 34/70 = 0.4857143.
        assert_close(
            fisher_exact_two_sided(3, 4, 1, 4),
            34.0 / 70.0,
            1e-12,
            "tea",
        );
        // 1/2 vs 1/2: P = 1/6, 4/6, 1/6; the observed table is the most likely → p = 1.
        assert_close(fisher_exact_two_sided(1, 2, 1, 2), 1.0, 1e-12, "1/2 vs 1/2");
        // 2/4 vs 0/4: margins 2 failures of 8; P(x) = C(4,x)·C(4,2−x)/C(8,2)
        // = 6/28, 16/28, 6/28; observed x = 2 (6/28) → p = 12/28 = 3/7.
        assert_close(
            fisher_exact_two_sided(2, 4, 0, 4),
            3.0 / 7.0,
            1e-12,
            "2/4 vs 0/4",
        );
    }

    #[test]
    fn fisher_degenerate_tables() {
        // A single possible table: p = 1.
        assert_eq!(fisher_exact_two_sided(0, 0, 0, 0), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 5, 0, 7), 1.0);
        assert_eq!(fisher_exact_two_sided(5, 5, 7, 7), 1.0);
        assert_eq!(fisher_exact_two_sided(2, 5, 0, 0), 1.0);
    }

    // ---- descriptive ---------------------------------------------------------------------------

    #[test]
    fn mean_and_median() {
        assert_eq!(mean(&[]), None);
        // (1 + 2 + 6)/3 = 3.
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(median(&[]), None);
        // Sorted 1, 2, 6 → 2; sorted 1, 2, 4, 6 → (2 + 4)/2 = 3.
        assert_eq!(median(&[6.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[6.0, 4.0, 1.0, 2.0]), Some(3.0));
        assert_eq!(median(&[-0.5]), Some(-0.5));
    }

    #[test]
    fn percentile_nearest_rank_wikipedia_examples() {
        // Wikipedia "Percentile", nearest-rank method, list 15, 20, 35, 40, 50 (n = 5):
        // P5 → rank ceil(0.25) = 1 → 15; P30 → ceil(1.5) = 2 → 20; P40 → ceil(2) = 2 → 20;
        // P50 → ceil(2.5) = 3 → 35; P100 → 5 → 50.
        let values = [50.0, 15.0, 40.0, 20.0, 35.0];
        for (p, want) in [
            (5.0, 15.0),
            (30.0, 20.0),
            (40.0, 20.0),
            (50.0, 35.0),
            (100.0, 50.0),
        ] {
            assert_eq!(percentile_nearest_rank(&values, p), Some(want), "P{p}");
        }
        // Second list 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 (n = 10): P25 → ceil(2.5) = 3 → 7;
        // P50 → 5 → 8; P75 → ceil(7.5) = 8 → 15; P100 → 10 → 20; P30 → exactly 3 → 7.
        let values = [3.0, 6.0, 7.0, 8.0, 8.0, 10.0, 13.0, 15.0, 16.0, 20.0];
        for (p, want) in [
            (25.0, 7.0),
            (50.0, 8.0),
            (75.0, 15.0),
            (100.0, 20.0),
            (30.0, 7.0),
        ] {
            assert_eq!(percentile_nearest_rank(&values, p), Some(want), "P{p}");
        }
    }

    #[test]
    fn percentile_edges() {
        assert_eq!(percentile_nearest_rank(&[], 50.0), None);
        assert_eq!(percentile_nearest_rank(&[1.0, 2.0], -1.0), None);
        assert_eq!(percentile_nearest_rank(&[1.0, 2.0], 100.5), None);
        assert_eq!(percentile_nearest_rank(&[1.0, 2.0], f64::NAN), None);
        // P0: rank 0 is taken as rank 1, the minimum.
        assert_eq!(percentile_nearest_rank(&[2.0, 1.0], 0.0), Some(1.0));
    }

    #[test]
    fn coefficient_of_variation_examples() {
        // 1, 3: mean 2, s² = ((1−2)² + (3−2)²)/1 = 2, s = √2, CV = √2/2 = 0.7071068.
        assert_close(
            coefficient_of_variation(&[1.0, 3.0]).expect("two values"),
            std::f64::consts::FRAC_1_SQRT_2,
            1e-15,
            "CV(1, 3)",
        );
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32,
        // s² = 32/7 = 4.5714286, s = 2.1380899, CV = 0.4276180.
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_close(
            coefficient_of_variation(&values).expect("eight values"),
            0.427_618_0,
            1e-7,
            "CV",
        );
        // Constant values: s = 0.
        assert_eq!(coefficient_of_variation(&[3.0, 3.0, 3.0]), Some(0.0));
        assert_eq!(coefficient_of_variation(&[3.0]), None);
        assert_eq!(coefficient_of_variation(&[-1.0, 1.0]), None);
    }

    // ---- properties --------------------------------------------------------------------------

    /// `(k, n)` with `1 ≤ n ≤ max_runs` and `0 ≤ k ≤ n`.
    fn counts(max_runs: u32) -> impl Strategy<Value = (u32, u32)> {
        (1..=max_runs).prop_flat_map(|n| (0..=n, Just(n)))
    }

    proptest! {
        #[test]
        fn wilson_brackets_the_rate((k, n) in counts(2_000), confidence in 0.5..0.9999_f64) {
            let (low, high) = wilson_interval(k, n, confidence).expect("valid input");
            let rate = f64::from(k) / f64::from(n);
            prop_assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high));
            prop_assert!(low <= rate && rate <= high, "{low} ≤ {rate} ≤ {high}");
        }

        #[test]
        fn zero_failure_bound_is_a_rate_below_three_over_n(n in 1_u32..100_000) {
            let bound = zero_failure_upper_bound(n, 0.95).expect("valid input");
            prop_assert!(bound > 0.0 && bound < 1.0);
            // −ln 0.05 = 2.996 < 3 and 1 − e^−x < x, so the exact bound is below 3/n.
            prop_assert!(bound < 3.0 / f64::from(n));
        }

        #[test]
        fn runs_to_observe_is_the_smallest_sufficient_count(
            p in 0.001..0.999_f64,
            confidence in 0.5..0.999_f64,
        ) {
            let n = runs_to_observe(p, confidence).expect("valid input");
            let alpha = 1.0 - confidence;
            let miss = |runs: u64| ((runs as f64) * (-p).ln_1p()).exp();
            prop_assert!(miss(n) <= alpha * (1.0 + 1e-9), "n = {n} is not enough");
            prop_assert!(n == 1 || miss(n - 1) > alpha * (1.0 - 1e-9), "n − 1 = {} suffices", n - 1);
        }

        #[test]
        fn scores_are_ratios(
            outcomes in proptest::collection::vec(any::<bool>(), 0..200),
            p in 0.0..=1.0_f64,
            values in proptest::collection::vec(0.0..=1.0_f64, 1..50),
            lambda in 0.0..=1.0_f64,
        ) {
            let flips = flip_rate(&outcomes);
            prop_assert!((0.0..=1.0).contains(&flips));
            let bits = entropy(p);
            prop_assert!((0.0..=1.0).contains(&bits));
            let weighted = exponentially_weighted(&values, lambda).expect("non-empty");
            let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
            let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(weighted >= lowest - 1e-12 && weighted <= highest + 1e-12);
        }

        #[test]
        fn posterior_is_a_probability_and_exceedance_falls_with_t(
            (k, n) in counts(1_000),
            t1 in 0.0..=1.0_f64,
            t2 in 0.0..=1.0_f64,
        ) {
            let mean = beta_posterior_mean(k, n);
            prop_assert!(mean > 0.0 && mean < 1.0);
            let (lo, hi) = if t1 <= t2 { (t1, t2) } else { (t2, t1) };
            let at_lo = beta_posterior_exceedance(k, n, lo);
            let at_hi = beta_posterior_exceedance(k, n, hi);
            prop_assert!((0.0..=1.0).contains(&at_lo) && (0.0..=1.0).contains(&at_hi));
            prop_assert!(at_lo >= at_hi - 1e-12, "P(p > {lo}) = {at_lo} < P(p > {hi}) = {at_hi}");
        }

        #[test]
        fn newcombe_brackets_the_difference(
            (k1, n1) in counts(500),
            (k2, n2) in counts(500),
            confidence in 0.5..0.9999_f64,
        ) {
            let (d, low, high) = newcombe_difference(k1, n1, k2, n2, confidence).expect("valid input");
            prop_assert!((-1.0..=1.0).contains(&low) && (-1.0..=1.0).contains(&high));
            prop_assert!(low <= d && d <= high, "{low} ≤ {d} ≤ {high}");
        }

        #[test]
        fn fisher_p_is_a_probability_and_symmetric((k1, n1) in counts(200), (k2, n2) in counts(200)) {
            let p = fisher_exact_two_sided(k1, n1, k2, n2);
            prop_assert!(p > 0.0 && p <= 1.0, "p = {p}");
            // Swapping the groups, or failures with passes, describes the same table.
            let swapped = fisher_exact_two_sided(k2, n2, k1, n1);
            let flipped = fisher_exact_two_sided(n1 - k1, n1, n2 - k2, n2);
            prop_assert!((p - swapped).abs() <= 1e-9 && (p - flipped).abs() <= 1e-9);
        }

        #[test]
        fn descriptive_stats_stay_within_the_data(
            values in proptest::collection::vec(-1e6..1e6_f64, 1..100),
            percentile in 0.0..=100.0_f64,
        ) {
            let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
            let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let within = |x: f64| x >= lowest - 1e-6 && x <= highest + 1e-6;
            prop_assert!(within(mean(&values).expect("non-empty")));
            prop_assert!(within(median(&values).expect("non-empty")));
            let at = percentile_nearest_rank(&values, percentile).expect("valid input");
            prop_assert!(values.contains(&at));
        }
    }
}
