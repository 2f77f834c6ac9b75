//! The Dormand–Prince 8(5,3) explicit Runge–Kutta method with adaptive steps
//! (Hairer, Nørsett & Wanner, *Solving Ordinary Differential Equations I*, §II.10,
//! code DOP853): order 8, error estimated from embedded 5th- and 3rd-order solutions.
//!
//! The coefficients are those published with DOP853 (as also tabulated in SciPy's
//! `dop853_coefficients.py`). Steps are clipped to land exactly on the requested end
//! time; only the first `n_err` components of the state enter the error estimate (the
//! variational part of an orbit state follows the orbit's steps).

// The coefficients keep the published digits.
#![allow(clippy::excessive_precision)]

const C: [f64; 12] = [
    0.0,
    0.526_001_519_587_677_318_785_587_544_488e-1,
    0.789_002_279_381_515_978_178_381_316_732e-1,
    0.118_350_341_907_227_396_726_757_197_510,
    0.281_649_658_092_772_603_273_242_802_490,
    0.333_333_333_333_333_333_333_333_333_333,
    0.25,
    0.307_692_307_692_307_692_307_692_307_692,
    0.651_282_051_282_051_282_051_282_051_282,
    0.6,
    0.857_142_857_142_857_142_857_142_857_142,
    1.0,
];

/// Stage coefficients a[i][j], j < i; row 12 is the solution weights b.
const A: [[f64; 12]; 13] = {
    let mut a = [[0.0; 12]; 13];
    a[1][0] = 5.260_015_195_876_773_187_855_875_444_88e-2;
    a[2][0] = 1.972_505_698_453_789_945_445_953_291_83e-2;
    a[2][1] = 5.917_517_095_361_369_836_337_859_875_49e-2;
    a[3][0] = 2.958_758_547_680_684_918_168_929_937_75e-2;
    a[3][2] = 8.876_275_643_042_054_754_506_789_813_24e-2;
    a[4][0] = 2.413_651_341_592_666_855_023_697_986_65e-1;
    a[4][2] = -8.845_494_793_282_860_853_448_649_627_17e-1;
    a[4][3] = 9.248_340_032_617_920_031_157_379_665_43e-1;
    a[5][0] = 3.703_703_703_703_703_703_703_703_703_7e-2;
    a[5][3] = 1.708_286_087_294_738_712_796_044_821_73e-1;
    a[5][4] = 1.254_676_875_668_224_250_166_918_141_23e-1;
    a[6][0] = 3.710_937_5e-2;
    a[6][3] = 1.702_522_110_195_440_393_149_780_602_72e-1;
    a[6][4] = 6.021_653_898_045_596_068_502_193_972_83e-2;
    a[6][5] = -1.757_812_5e-2;
    a[7][0] = 3.709_200_011_850_479_271_087_793_198_36e-2;
    a[7][3] = 1.703_839_257_122_399_938_102_140_547_05e-1;
    a[7][4] = 1.072_620_304_463_732_846_518_091_991_68e-1;
    a[7][5] = -1.531_943_774_862_440_175_279_361_582_36e-2;
    a[7][6] = 8.273_789_163_814_022_887_584_737_660_02e-3;
    a[8][0] = 6.241_109_587_160_757_171_144_295_778_12e-1;
    a[8][3] = -3.360_892_629_446_941_294_068_571_098_25;
    a[8][4] = -8.682_193_468_417_260_068_181_898_914_53e-1;
    a[8][5] = 2.759_209_969_944_670_830_494_156_007_97e1;
    a[8][6] = 2.015_406_755_047_789_340_861_867_889_79e1;
    a[8][7] = -4.348_988_418_106_995_884_773_662_551_44e1;
    a[9][0] = 4.776_625_364_382_643_658_904_339_085_27e-1;
    a[9][3] = -2.488_114_619_971_667_641_926_425_864_68;
    a[9][4] = -5.902_908_268_368_429_963_714_464_757_43e-1;
    a[9][5] = 2.123_005_144_818_119_423_472_889_498_97e1;
    a[9][6] = 1.527_923_363_288_242_358_325_969_229_38e1;
    a[9][7] = -3.328_821_096_898_486_291_944_532_655_87e1;
    a[9][8] = -2.033_120_170_850_862_613_582_229_285_93e-2;
    a[10][0] = -9.371_424_300_859_873_257_170_402_165_8e-1;
    a[10][3] = 5.186_372_428_844_063_708_300_238_532_09;
    a[10][4] = 1.091_437_348_996_729_578_185_002_546_54;
    a[10][5] = -8.149_787_010_746_926_125_139_972_673_57;
    a[10][6] = -1.852_006_565_999_695_986_415_661_807_01e1;
    a[10][7] = 2.273_948_709_935_050_428_189_700_567_34e1;
    a[10][8] = 2.493_605_552_679_652_389_870_893_967_62;
    a[10][9] = -3.046_764_471_898_219_500_382_366_902_2;
    a[11][0] = 2.273_310_147_516_538_207_923_597_684_49;
    a[11][3] = -1.053_449_546_673_725_019_840_666_898_79e1;
    a[11][4] = -2.000_872_058_224_862_499_096_757_184_44;
    a[11][5] = -1.795_893_186_311_879_891_727_659_505_34e1;
    a[11][6] = 2.794_888_452_941_996_005_084_998_088_37e1;
    a[11][7] = -2.858_998_277_135_023_694_740_655_086_74;
    a[11][8] = -8.872_856_933_530_629_544_335_492_892_58;
    a[11][9] = 1.236_056_717_579_430_306_472_662_015_28e1;
    a[11][10] = 6.433_927_460_157_635_303_559_704_840_46e-1;
    a[12][0] = 5.429_373_411_656_876_223_805_357_663_63e-2;
    a[12][5] = 4.450_312_892_752_408_881_441_139_505_66;
    a[12][6] = 1.891_517_899_314_500_383_042_815_990_44;
    a[12][7] = -5.801_203_960_010_584_781_467_211_422_7;
    a[12][8] = 3.111_643_669_578_198_944_089_160_623_7e-1;
    a[12][9] = -1.521_609_496_625_160_785_561_788_068_05e-1;
    a[12][10] = 2.013_654_008_040_303_483_747_765_375_01e-1;
    a[12][11] = 4.471_061_572_777_259_051_768_855_690_43e-2;
    a
};

/// Weights of the 5th-order error estimate.
const E5: [f64; 12] = [
    0.131_200_449_941_948_807_325_010_299_6e-1,
    0.0,
    0.0,
    0.0,
    0.0,
    -0.122_515_644_637_620_444_072_056_975_3e1,
    -0.495_758_949_657_250_191_521_407_995_2,
    0.166_437_718_245_498_653_696_153_041_5e1,
    -0.350_328_848_749_973_681_688_648_729_0,
    0.334_179_118_713_017_479_029_731_884_1,
    0.819_232_064_851_157_124_657_074_261_3e-1,
    -0.223_553_078_638_862_952_588_442_784_5e-1,
];

/// b − b̂₃ at the three stages where they differ (the 3rd-order estimate).
const BHH: [(usize, f64); 3] = [
    (0, 0.244_094_488_188_976_377_952_755_905_512),
    (8, 0.733_846_688_281_611_857_341_361_741_547),
    (11, 0.220_588_235_294_117_647_058_823_529_412e-1),
];

/// Tolerances and limits of the integrator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dop853Options {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance (state units).
    pub atol: f64,
    /// Largest step (s).
    pub max_step_s: f64,
    /// Most steps per call.
    pub max_steps: usize,
    /// A smaller largest step (s) while the norm of the first three components is
    /// below the given radius: `(radius, step)`. Orbits use it inside the atmosphere,
    /// whose tabulated density has kinks the error estimate does not see.
    pub inner_cap: Option<(f64, f64)>,
}

impl Default for Dop853Options {
    fn default() -> Self {
        Self {
            rtol: 1e-12,
            atol: 1e-9,
            max_step_s: 3600.0,
            max_steps: 1_000_000,
            inner_cap: None,
        }
    }
}

/// Why an integration stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntegrationError {
    /// The derivative could not be evaluated (e.g. below the atmosphere model).
    #[error("the equations of motion failed at t = {t_s:.3} s: {why}")]
    Derivative {
        /// Time since the start (s).
        t_s: f64,
        /// Why.
        why: String,
    },
    /// The step became too small or too many steps were needed.
    #[error("the integrator could not reach the end time (t = {t_s:.3} s, step {h_s:.3e} s)")]
    Stalled {
        /// Time reached (s).
        t_s: f64,
        /// Last step tried (s).
        h_s: f64,
    },
}

/// The derivative function: `f(t, y, dy)` fills `dy`, or says why it cannot.
pub type Derivative<'a> = dyn FnMut(f64, &[f64], &mut [f64]) -> Result<(), String> + 'a;

/// A DOP853 integrator with its work buffers and the last step size.
#[derive(Debug, Clone)]
pub struct Dop853 {
    k: Vec<Vec<f64>>,
    tmp: Vec<f64>,
    y_new: Vec<f64>,
    /// The step the next call starts with (s, signed); 0: choose one.
    pub step_hint_s: f64,
    /// Derivative evaluations so far.
    pub evaluations: usize,
    /// Accepted steps so far.
    pub steps: usize,
    opts: Dop853Options,
}

impl Dop853 {
    /// An integrator for states of `n` components.
    pub fn new(n: usize, opts: Dop853Options) -> Self {
        Self {
            k: vec![vec![0.0; n]; 13],
            tmp: vec![0.0; n],
            y_new: vec![0.0; n],
            step_hint_s: 0.0,
            evaluations: 0,
            steps: 0,
            opts,
        }
    }

    fn eval(
        &mut self,
        f: &mut Derivative<'_>,
        t: f64,
        stage: usize,
        from_tmp: bool,
    ) -> Result<(), IntegrationError> {
        self.evaluations += 1;
        let (y, out) = if from_tmp {
            (&self.tmp, &mut self.k[stage])
        } else {
            (&self.y_new, &mut self.k[stage])
        };
        f(t, y, out).map_err(|why| IntegrationError::Derivative { t_s: t, why })
    }

    /// Integrates `y` from `t0` to `t1` (either direction); the first `n_err`
    /// components are error-controlled.
    // Index loops over the stages read as the method's formulas.
    #[allow(clippy::needless_range_loop)]
    pub fn integrate(
        &mut self,
        f: &mut Derivative<'_>,
        t0: f64,
        t1: f64,
        y: &mut [f64],
        n_err: usize,
    ) -> Result<(), IntegrationError> {
        let n = y.len();
        if t1 == t0 {
            return Ok(());
        }
        let dir = (t1 - t0).signum();
        let n_err = n_err.min(n);
        let opts = self.opts;
        let mut t = t0;
        // First stage at the start.
        self.tmp.copy_from_slice(y);
        self.eval(f, t, 0, true)?;
        let mut h = if self.step_hint_s != 0.0 && self.step_hint_s.signum() == dir {
            self.step_hint_s.abs()
        } else {
            self.initial_step(f, t, y, dir, n_err)?
        };
        h = h.min(opts.max_step_s);
        let mut rejected = false;
        for _ in 0..opts.max_steps {
            if let Some((radius, cap)) = opts.inner_cap {
                if y.len() >= 3 && (y[0] * y[0] + y[1] * y[1] + y[2] * y[2]).sqrt() < radius {
                    h = h.min(cap);
                }
            }
            let remaining = (t1 - t).abs();
            let last = h >= remaining;
            let hs = if last { remaining } else { h } * dir;
            // Stages 1..11.
            for i in 1..12 {
                for j in 0..n {
                    let mut s = 0.0;
                    for (l, a) in A[i].iter().enumerate().take(i) {
                        if *a != 0.0 {
                            s += a * self.k[l][j];
                        }
                    }
                    self.tmp[j] = y[j] + hs * s;
                }
                self.eval(f, t + C[i] * hs, i, true)?;
            }
            for j in 0..n {
                let mut s = 0.0;
                for (l, b) in A[12].iter().enumerate() {
                    if *b != 0.0 {
                        s += b * self.k[l][j];
                    }
                }
                self.y_new[j] = y[j] + hs * s;
            }
            // Error estimate (DOP853's combination of the 5th- and 3rd-order estimates).
            let (mut e5, mut e3) = (0.0, 0.0);
            for j in 0..n_err {
                let sc = opts.atol + opts.rtol * y[j].abs().max(self.y_new[j].abs());
                let mut s5 = 0.0;
                for (l, e) in E5.iter().enumerate() {
                    if *e != 0.0 {
                        s5 += e * self.k[l][j];
                    }
                }
                let mut s3 = 0.0;
                for (l, b) in A[12].iter().enumerate() {
                    s3 += b * self.k[l][j];
                }
                for (l, bh) in BHH {
                    s3 -= bh * self.k[l][j];
                }
                e5 += (s5 / sc).powi(2);
                e3 += (s3 / sc).powi(2);
            }
            let denom = e5 + 0.01 * e3;
            let err = if denom > 0.0 {
                hs.abs() * e5 / (denom * n_err as f64).sqrt()
            } else {
                0.0
            };
            if !err.is_finite() {
                h *= 0.2;
                rejected = true;
                if h < 1e-9 {
                    return Err(IntegrationError::Stalled { t_s: t, h_s: h });
                }
                continue;
            }
            let factor = if err == 0.0 {
                10.0
            } else {
                (0.9 * err.powf(-1.0 / 8.0)).clamp(0.2, 10.0)
            };
            if err <= 1.0 {
                t = if last { t1 } else { t + hs };
                y.copy_from_slice(&self.y_new);
                self.steps += 1;
                // First stage of the next step (the end of this one).
                self.eval(f, t, 0, false)?;
                let grow = if rejected { factor.min(1.0) } else { factor };
                if last {
                    // The next call starts with the unclipped step, grown only when
                    // this one was taken whole.
                    let next = if remaining >= 0.999 * h { h * grow } else { h };
                    self.step_hint_s = next.min(opts.max_step_s) * dir;
                    return Ok(());
                }
                h = (h * grow).min(opts.max_step_s);
                rejected = false;
            } else {
                h *= factor.min(1.0);
                rejected = true;
                if h < 1e-9 {
                    return Err(IntegrationError::Stalled { t_s: t, h_s: h });
                }
            }
        }
        Err(IntegrationError::Stalled { t_s: t, h_s: h })
    }

    /// Hairer's starting step: from the sizes of y, f and an estimate of f's change.
    fn initial_step(
        &mut self,
        f: &mut Derivative<'_>,
        t: f64,
        y: &[f64],
        dir: f64,
        n_err: usize,
    ) -> Result<f64, IntegrationError> {
        let opts = self.opts;
        let sc = |j: usize| opts.atol + opts.rtol * y[j].abs();
        let rms = |v: &dyn Fn(usize) -> f64| {
            ((0..n_err).map(|j| (v(j) / sc(j)).powi(2)).sum::<f64>() / n_err as f64).sqrt()
        };
        let f0 = self.k[0].clone();
        let d0 = rms(&|j| y[j]);
        let d1 = rms(&|j| f0[j]);
        let h0 = if d0 < 1e-5 || d1 < 1e-5 {
            1e-6
        } else {
            0.01 * d0 / d1
        };
        for j in 0..y.len() {
            self.y_new[j] = y[j] + dir * h0 * f0[j];
        }
        self.eval(f, t + dir * h0, 1, false)?;
        let f1 = &self.k[1];
        let d2 = rms(&|j| f1[j] - f0[j]) / h0;
        let h1 = if d1.max(d2) <= 1e-15 {
            (h0 * 1e-3).max(1e-6)
        } else {
            (0.01 / d1.max(d2)).powf(1.0 / 8.0)
        };
        Ok((100.0 * h0).min(h1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmonic_oscillator_to_high_accuracy_both_ways() {
        let mut f = |_t: f64, y: &[f64], dy: &mut [f64]| -> Result<(), String> {
            dy[0] = y[1];
            dy[1] = -y[0];
            Ok(())
        };
        let mut ig = Dop853::new(2, Dop853Options::default());
        let mut y = [1.0, 0.0];
        ig.integrate(&mut f, 0.0, 100.0, &mut y, 2).unwrap();
        assert!((y[0] - 100f64.cos()).abs() < 1e-7, "{y:?}");
        assert!((y[1] + 100f64.sin()).abs() < 1e-7, "{y:?}");
        ig.integrate(&mut f, 100.0, 0.0, &mut y, 2).unwrap();
        assert!((y[0] - 1.0).abs() < 1e-7 && y[1].abs() < 1e-7, "{y:?}");
    }

    #[test]
    fn eighth_order_convergence() {
        // Fixed large tolerance → step count; error drops ~2^8 when steps double.
        let run = |tol: f64| {
            let mut f = |t: f64, y: &[f64], dy: &mut [f64]| -> Result<(), String> {
                dy[0] = y[0] * t.cos();
                Ok(())
            };
            let mut ig = Dop853::new(
                1,
                Dop853Options {
                    rtol: tol,
                    atol: tol,
                    ..Dop853Options::default()
                },
            );
            let mut y = [1.0];
            ig.integrate(&mut f, 0.0, 10.0, &mut y, 1).unwrap();
            ((y[0] - 10f64.sin().exp()).abs(), ig.steps)
        };
        let (e1, n1) = run(1e-6);
        let (e2, n2) = run(1e-12);
        assert!(e2 < 1e-10 && e1 < 1e-4, "{e1} {e2}");
        assert!(n2 > n1, "{n1} {n2}");
    }

    #[test]
    fn a_failing_derivative_is_an_error() {
        let mut f = |t: f64, _y: &[f64], dy: &mut [f64]| -> Result<(), String> {
            if t > 1.0 {
                return Err("below the atmosphere".into());
            }
            dy[0] = 1.0;
            Ok(())
        };
        let mut ig = Dop853::new(1, Dop853Options::default());
        let mut y = [0.0];
        let e = ig.integrate(&mut f, 0.0, 5.0, &mut y, 1).unwrap_err();
        assert!(e.to_string().contains("below the atmosphere"), "{e}");
    }
}
