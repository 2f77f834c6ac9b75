//! Branch-free lane kernels of the functions near-earth SGP4 needs: `sincos`,
//! `atan2` and an exact `fmod(x, 2π)`, each within about 1–2 ulp of the
//! platform's `libm` over the ranges SGP4 uses.
//!
//! `sincos` reduces by π/2 in Cody–Waite style with π/2 split in three parts
//! (the first step exact under FMA) and evaluates fdlibm's minimax kernels;
//! lanes with |x| > 1e5 rad or non-finite fall back to `f64::sin_cos`.
//! `atan2` reduces to [0, 1] by |y|, |x| ordering and evaluates Cephes' rational
//! `atan`. `fmod_twopi` reproduces C `fmod(x, 2π)` bit for bit.

// Coefficients are kept digit for digit as published by fdlibm and Cephes.
#![allow(clippy::excessive_precision)]
// Index loops over lanes are the shape LLVM vectorizes best.
#![allow(clippy::needless_range_loop)]

use super::lanes::{F64x, Mask, LANES};

/// 2π as the C++ reference has it (`2.0 * pi`), rad.
pub const TWOPI: f64 = 2.0 * std::f64::consts::PI;

/// Largest |x| (rad) reduced in-lane; beyond it `sincos` uses `f64::sin_cos` per lane.
pub const SINCOS_REDUCTION_LIMIT: f64 = 1.0e5;

const FRAC_2_PI: f64 = std::f64::consts::FRAC_2_PI;
/// 1.5 · 2^52: adding it rounds to an integer kept in the low mantissa bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
/// π/2 in three parts: PIO2_1 + PIO2_2 + PIO2_3 ≈ π/2 to ~2^-160.
const PIO2_1: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_2: f64 = 6.123_233_995_736_766e-17;
const PIO2_3: f64 = -1.497_384_904_859_169_8e-33;

// fdlibm __kernel_sin coefficients on [-π/4, π/4].
const S1: f64 = -1.666_666_666_666_663_243_48e-1;
const S2: f64 = 8.333_333_333_322_489_461_24e-3;
const S3: f64 = -1.984_126_982_985_794_931_34e-4;
const S4: f64 = 2.755_731_370_707_006_767_89e-6;
const S5: f64 = -2.505_076_025_340_686_341_95e-8;
const S6: f64 = 1.589_690_995_211_550_102_21e-10;
// fdlibm __kernel_cos coefficients on [-π/4, π/4].
const C1: f64 = 4.166_666_666_666_660_190_37e-2;
const C2: f64 = -1.388_888_888_887_410_957_49e-3;
const C3: f64 = 2.480_158_728_947_672_941_78e-5;
const C4: f64 = -2.755_731_435_139_066_330_35e-7;
const C5: f64 = 2.087_572_321_298_174_827_90e-9;
const C6: f64 = -1.135_964_755_778_819_482_65e-11;

/// sin and cos of each lane (rad in, dimensionless out), ≤ ~1.5 ulp from libm.
#[inline(always)]
pub fn sincos(x: F64x) -> (F64x, F64x) {
    let t = x * FRAC_2_PI + ROUND_MAGIC;
    let n = t - ROUND_MAGIC;
    let q = t.to_bits();
    let nn = -n;
    // Exact: n·PIO2_1 is formed exactly and x − n·PIO2_1 lies on x's grid.
    let r = nn.mul_add(F64x::splat(PIO2_1), x);
    let r = nn.mul_add(F64x::splat(PIO2_2), r);
    let r = nn.mul_add(F64x::splat(PIO2_3), r);
    let z = r * r;

    let rs = z
        .mul_add(F64x::splat(S6), F64x::splat(S5))
        .mul_add(z, F64x::splat(S4))
        .mul_add(z, F64x::splat(S3))
        .mul_add(z, F64x::splat(S2));
    let v = z * r;
    let sin_k = v.mul_add(z.mul_add(rs, F64x::splat(S1)), r);

    let rc = z
        .mul_add(F64x::splat(C6), F64x::splat(C5))
        .mul_add(z, F64x::splat(C4))
        .mul_add(z, F64x::splat(C3))
        .mul_add(z, F64x::splat(C2))
        .mul_add(z, F64x::splat(C1))
        * z;
    let hz = z * 0.5;
    let w = 1.0 - hz;
    let cos_k = w + (((1.0 - w) - hz) + z * rc);

    let mut swap = [0u64; LANES];
    let mut sin_sign = [0u64; LANES];
    let mut cos_sign = [0u64; LANES];
    for i in 0..LANES {
        swap[i] = 0u64.wrapping_sub(q[i] & 1);
        sin_sign[i] = (q[i] & 2) << 62;
        cos_sign[i] = (q[i].wrapping_add(1) & 2) << 62;
    }
    let swap = Mask(swap);
    let mut s = swap.select(cos_k, sin_k).xor_sign(sin_sign);
    let mut c = swap.select(sin_k, cos_k).xor_sign(cos_sign);

    let far = !x.abs().le(F64x::splat(SINCOS_REDUCTION_LIMIT));
    if far.any() {
        for i in 0..LANES {
            if far.test(i) {
                let (si, ci) = x.0[i].sin_cos();
                s.0[i] = si;
                c.0[i] = ci;
            }
        }
    }
    (s, c)
}

// Cephes atan rational approximation, |t| <= 0.66.
const AP: [f64; 5] = [
    -8.750_608_600_031_904_122_785e-1,
    -1.615_753_718_733_365_076_637e1,
    -7.500_855_792_314_704_667_340e1,
    -1.228_866_684_490_136_173_410e2,
    -6.485_021_904_942_025_371_773e1,
];
const AQ: [f64; 5] = [
    2.485_846_490_142_306_297_962e1,
    1.650_270_098_316_988_542_046e2,
    4.328_810_604_912_902_668_951e2,
    4.853_903_996_359_136_964_868e2,
    1.945_506_571_482_613_964_425e2,
];
/// π/4 minus its `f64`.
const PIO4_LO: f64 = 3.061_616_997_868_383e-17;

/// atan2(y, x) of each lane, rad in (−π, π], ≤ ~2 ulp from libm.
#[inline(always)]
pub fn atan2(y: F64x, x: F64x) -> F64x {
    let ax = x.abs();
    let ay = y.abs();
    let swap = ay.gt(ax);
    let num = swap.select(ax, ay);
    let den = swap.select(ay, ax);
    let zero_den = den.le(F64x::splat(0.0));
    let a = zero_den.select(F64x::splat(0.0), num / den);

    // a in [0, 1]; above 0.66 use atan(a) = π/4 + atan((a − 1)/(a + 1)).
    let upper = a.gt(F64x::splat(0.66));
    let t = upper.select((a - 1.0) / (a + 1.0), a);
    let z = t * t;
    let p = z
        .mul_add(F64x::splat(AP[0]), F64x::splat(AP[1]))
        .mul_add(z, F64x::splat(AP[2]))
        .mul_add(z, F64x::splat(AP[3]))
        .mul_add(z, F64x::splat(AP[4]));
    let q = (z + AQ[0])
        .mul_add(z, F64x::splat(AQ[1]))
        .mul_add(z, F64x::splat(AQ[2]))
        .mul_add(z, F64x::splat(AQ[3]))
        .mul_add(z, F64x::splat(AQ[4]));
    let zz = z * p / q;
    let at = t.mul_add(zz, t);

    // Result = k·π/4 ± at with k in 0..=4 by octant; k·π/4 is carried as hi + lo
    // (lo exact from FMA plus π/4's tail) so that the only roundings are the last two.
    let b = upper.select(F64x::splat(1.0), F64x::splat(0.0));
    let xneg = x.lt(F64x::splat(0.0));
    let k = xneg.select(swap.select(2.0 + b, 4.0 - b), swap.select(2.0 - b, b));
    let minus = swap ^ xneg;
    let at = minus.select(-at, at);
    let pio4 = F64x::splat(std::f64::consts::FRAC_PI_4);
    let hi = k * pio4;
    let err = k.mul_add(pio4, -hi);
    let lo = k.mul_add(F64x::splat(PIO4_LO), err);
    let r = hi + (lo + at);
    // atan2(±0, −0) = ±π as in C.
    let neg_zero_x = x.le(F64x::splat(0.0)) & Mask(neg_bits(x));
    let r = (neg_zero_x & zero_den).select(F64x::splat(std::f64::consts::PI), r);
    let out = r.copysign(y);
    let nan = !(x.abs().le(F64x::splat(f64::MAX)) & y.abs().le(F64x::splat(f64::MAX)));
    if nan.any() {
        let mut o = out;
        for i in 0..LANES {
            if nan.test(i) {
                o.0[i] = y.0[i].atan2(x.0[i]);
            }
        }
        return o;
    }
    out
}

#[inline(always)]
fn neg_bits(x: F64x) -> [u64; LANES] {
    let b = x.to_bits();
    let mut out = [0u64; LANES];
    for i in 0..LANES {
        out[i] = 0u64.wrapping_sub(b[i] >> 63);
    }
    out
}

/// C's `fmod(x, 2π)` of each lane, bit for bit (sign of x, |result| < 2π), rad.
///
/// Exact for finite |x| < 2^51: with FMA, x − k·2π is formed with one rounding of
/// a value that lies on x's grid and is therefore representable.
#[inline(always)]
pub fn fmod_twopi(x: F64x) -> F64x {
    let tp = F64x::splat(TWOPI);
    let k = (x / TWOPI).trunc();
    let r = (-k).mul_add(tp, x);
    let pos = x.ge(F64x::splat(0.0));
    // k may be one off near multiples of 2π: bring r into [0, 2π) (x ≥ 0) or (−2π, 0].
    let r = (pos & r.lt(F64x::splat(0.0))).select(r + TWOPI, r);
    let r = (pos & r.ge(tp)).select(r - TWOPI, r);
    let r = (!pos & r.gt(F64x::splat(0.0))).select(r - TWOPI, r);
    let r = (!pos & r.le(-tp)).select(r + TWOPI, r);
    // A zero remainder carries x's sign, as C's fmod.
    let r = r.copysign(x);
    let bad = !x.abs().lt(F64x::splat(2.0e15));
    if bad.any() {
        let mut o = r;
        for i in 0..LANES {
            if bad.test(i) {
                o.0[i] = x.0[i] % TWOPI;
            }
        }
        return o;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::SplitMix64;

    /// Distance from `got` to `want` in units of the spacing of doubles at `want`.
    fn ulps(got: f64, want: f64) -> f64 {
        if got == want {
            return 0.0;
        }
        let spacing = if want == 0.0 {
            f64::from_bits(1)
        } else {
            let b = want.abs();
            f64::from_bits(b.to_bits() + 1) - b
        };
        (got - want).abs() / spacing
    }

    fn points(rng: &mut SplitMix64, lo: f64, hi: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| rng.range(lo, hi)).collect()
    }

    fn check_sincos(xs: &[f64], max_ulp: f64) {
        let mut worst = (0.0f64, 0.0f64);
        for chunk in xs.chunks(LANES) {
            let x = F64x::load_or(chunk, 0.0);
            let (s, c) = sincos(x);
            for (i, &xi) in chunk.iter().enumerate() {
                let es = ulps(s.0[i], xi.sin());
                let ec = ulps(c.0[i], xi.cos());
                // Near zeros of sin/cos compare absolutely (libm is not exact there either).
                let es = if xi.sin().abs() < 1e-300 { 0.0 } else { es };
                worst.0 = worst.0.max(es);
                worst.1 = worst.1.max(ec);
                assert!(
                    es <= max_ulp && ec <= max_ulp,
                    "x = {xi:e}: sin {} vs {} ({es} ulp), cos {} vs {} ({ec} ulp)",
                    s.0[i],
                    xi.sin(),
                    c.0[i],
                    xi.cos()
                );
            }
        }
        assert!(worst.0 <= max_ulp && worst.1 <= max_ulp);
    }

    #[test]
    fn sincos_matches_libm_small_arguments() {
        let mut rng = SplitMix64::new(1);
        check_sincos(&points(&mut rng, -7.0, 7.0, 200_000), 2.0);
        check_sincos(&points(&mut rng, -1e-3, 1e-3, 20_000), 2.0);
        check_sincos(&[0.0, -0.0, 1e-300, -1e-300, 5e-324], 0.0);
    }

    #[test]
    fn sincos_matches_libm_large_arguments() {
        let mut rng = SplitMix64::new(2);
        check_sincos(&points(&mut rng, -1e5, 1e5, 200_000), 2.0);
        check_sincos(&points(&mut rng, -1e3, 1e3, 100_000), 2.0);
        // Beyond the in-lane limit the fallback is libm itself.
        check_sincos(&points(&mut rng, -1e12, 1e12, 1_000), 0.0);
    }

    #[test]
    fn sincos_near_multiples_of_half_pi() {
        let mut xs = Vec::new();
        for k in -60_000i64..60_000 {
            let base = k as f64 * std::f64::consts::FRAC_PI_2;
            xs.push(base);
            xs.push(f64::from_bits(base.to_bits().wrapping_add(1)));
            xs.push(f64::from_bits(base.to_bits().wrapping_sub(1)));
            xs.push(base + 0.5 * std::f64::consts::FRAC_PI_4);
        }
        xs.retain(|x| x.abs() <= SINCOS_REDUCTION_LIMIT);
        check_sincos(&xs, 2.0);
    }

    #[test]
    fn sincos_non_finite_lanes_follow_libm() {
        let x = F64x([
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            1.0,
            2.0,
            3.0,
            4.0,
            5.0,
        ]);
        let (s, c) = sincos(x);
        for i in 0..3 {
            assert!(s.0[i].is_nan() && c.0[i].is_nan());
        }
        assert_eq!(s.0[3], 1.0f64.sin());
    }

    #[test]
    fn atan2_matches_libm() {
        let mut rng = SplitMix64::new(3);
        let mut worst = 0.0f64;
        let mut ys = points(&mut rng, -2.0, 2.0, 300_000);
        let mut xs = points(&mut rng, -2.0, 2.0, 300_000);
        // Wide dynamic range, axes and signed zeros.
        for _ in 0..50_000 {
            ys.push(rng.range(-1.0, 1.0) * 10f64.powf(rng.range(-12.0, 12.0)));
            xs.push(rng.range(-1.0, 1.0) * 10f64.powf(rng.range(-12.0, 12.0)));
        }
        for (y, x) in [
            (0.0, 1.0),
            (0.0, -1.0),
            (-0.0, -1.0),
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, 0.0),
            (-0.0, 0.0),
            (0.0, -0.0),
            (-0.0, -0.0),
            (1.0, 1.0),
            (-1.0, -1.0),
            (f64::NAN, 1.0),
            (1.0, f64::INFINITY),
        ] {
            ys.push(y);
            xs.push(x);
        }
        for (yc, xc) in ys.chunks(LANES).zip(xs.chunks(LANES)) {
            let r = atan2(F64x::load_or(yc, 1.0), F64x::load_or(xc, 1.0));
            for i in 0..yc.len() {
                let want = yc[i].atan2(xc[i]);
                if want.is_nan() {
                    assert!(r.0[i].is_nan());
                    continue;
                }
                let e = ulps(r.0[i], want);
                worst = worst.max(e);
                assert!(
                    e <= 2.0,
                    "atan2({:e}, {:e}) = {} vs {want} ({e} ulp)",
                    yc[i],
                    xc[i],
                    r.0[i]
                );
                assert_eq!(r.0[i].is_sign_negative(), want.is_sign_negative());
            }
        }
        assert!(worst <= 2.0);
    }

    #[test]
    fn fmod_twopi_is_bit_exact() {
        let mut rng = SplitMix64::new(4);
        let mut xs = points(&mut rng, -1e6, 1e6, 200_000);
        xs.extend(points(&mut rng, -20.0, 20.0, 100_000));
        for k in -20_000i64..20_000 {
            let base = k as f64 * TWOPI;
            xs.push(base);
            xs.push(f64::from_bits(base.to_bits().wrapping_add(1)));
            xs.push(f64::from_bits(base.to_bits().wrapping_sub(1)));
        }
        xs.extend([0.0, -0.0, 1e15, -3e15, 1e300, f64::NAN, f64::INFINITY]);
        for chunk in xs.chunks(LANES) {
            let r = fmod_twopi(F64x::load_or(chunk, 0.0));
            for (i, &x) in chunk.iter().enumerate() {
                let want = x % TWOPI;
                assert!(
                    r.0[i].to_bits() == want.to_bits() || (want.is_nan() && r.0[i].is_nan()),
                    "fmod({x:e}) = {} vs {want}",
                    r.0[i]
                );
            }
        }
    }
}
