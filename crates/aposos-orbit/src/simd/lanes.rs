//! A fixed-width lane vector of `f64` written as plain array loops that LLVM
//! turns into SIMD instructions (SSE2/AVX2/AVX-512 on x86_64, NEON on aarch64).
//!
//! Every operation is `#[inline(always)]` so that it is compiled inside the
//! caller's `#[target_feature]` context; nothing here is `unsafe`.

// Index loops over lanes are the shape LLVM vectorizes best.
#![allow(clippy::needless_range_loop)]

use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Sub};

/// Number of lanes processed together (8 × f64 = one AVX-512 register, two AVX2 ones).
pub const LANES: usize = 8;

/// Eight `f64` values processed together, dimensionless container.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(64))]
pub struct F64x(pub [f64; LANES]);

/// A lane mask: all ones (`true`) or all zeros (`false`) per lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(64))]
pub struct Mask(pub [u64; LANES]);

macro_rules! lanewise {
    ($a:expr, |$i:ident| $body:expr) => {{
        let mut out = [0.0f64; LANES];
        for $i in 0..LANES {
            out[$i] = $body;
        }
        let _ = &$a;
        F64x(out)
    }};
}

macro_rules! maskwise {
    (|$i:ident| $body:expr) => {{
        let mut out = [0u64; LANES];
        for $i in 0..LANES {
            out[$i] = if $body { u64::MAX } else { 0 };
        }
        Mask(out)
    }};
}

impl F64x {
    /// All lanes equal to `v`.
    #[inline(always)]
    pub fn splat(v: f64) -> Self {
        F64x([v; LANES])
    }

    /// Lanes loaded from the first `LANES` values of `s`; missing values are `fill`.
    #[inline(always)]
    pub fn load_or(s: &[f64], fill: f64) -> Self {
        let mut out = [fill; LANES];
        for (o, v) in out.iter_mut().zip(s.iter()) {
            *o = *v;
        }
        F64x(out)
    }

    /// `self * b + c` with one rounding (fused multiply-add).
    #[inline(always)]
    pub fn mul_add(self, b: Self, c: Self) -> Self {
        lanewise!(self, |i| self.0[i].mul_add(b.0[i], c.0[i]))
    }

    /// Lane-wise square root.
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        lanewise!(self, |i| self.0[i].sqrt())
    }

    /// Lane-wise absolute value.
    #[inline(always)]
    pub fn abs(self) -> Self {
        lanewise!(self, |i| f64::from_bits(
            self.0[i].to_bits() & !(1u64 << 63)
        ))
    }

    /// Lane-wise truncation towards zero.
    #[inline(always)]
    pub fn trunc(self) -> Self {
        lanewise!(self, |i| self.0[i].trunc())
    }

    /// Lane-wise minimum (`b` where either is NaN-free and smaller).
    #[inline(always)]
    pub fn min(self, b: Self) -> Self {
        lanewise!(self, |i| if self.0[i] < b.0[i] {
            self.0[i]
        } else {
            b.0[i]
        })
    }

    /// Lane-wise maximum.
    #[inline(always)]
    pub fn max(self, b: Self) -> Self {
        lanewise!(self, |i| if self.0[i] > b.0[i] {
            self.0[i]
        } else {
            b.0[i]
        })
    }

    /// Raw IEEE-754 bits of each lane.
    #[inline(always)]
    pub fn to_bits(self) -> [u64; LANES] {
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = self.0[i].to_bits();
        }
        out
    }

    /// Lanes from raw IEEE-754 bits.
    #[inline(always)]
    pub fn from_bits(b: [u64; LANES]) -> Self {
        lanewise!(b, |i| f64::from_bits(b[i]))
    }

    /// Flips the sign of the lanes whose bit 63 is set in `sign`.
    #[inline(always)]
    pub fn xor_sign(self, sign: [u64; LANES]) -> Self {
        lanewise!(self, |i| f64::from_bits(
            self.0[i].to_bits() ^ (sign[i] & (1u64 << 63))
        ))
    }

    /// `|self|` with the sign of `s`.
    #[inline(always)]
    pub fn copysign(self, s: Self) -> Self {
        lanewise!(self, |i| f64::from_bits(
            (self.0[i].to_bits() & !(1u64 << 63)) | (s.0[i].to_bits() & (1u64 << 63))
        ))
    }

    /// Lanes where `self < b`.
    #[inline(always)]
    pub fn lt(self, b: Self) -> Mask {
        maskwise!(|i| self.0[i] < b.0[i])
    }

    /// Lanes where `self <= b`.
    #[inline(always)]
    pub fn le(self, b: Self) -> Mask {
        maskwise!(|i| self.0[i] <= b.0[i])
    }

    /// Lanes where `self > b`.
    #[inline(always)]
    pub fn gt(self, b: Self) -> Mask {
        maskwise!(|i| self.0[i] > b.0[i])
    }

    /// Lanes where `self >= b`.
    #[inline(always)]
    pub fn ge(self, b: Self) -> Mask {
        maskwise!(|i| self.0[i] >= b.0[i])
    }

    /// Lanes that are finite (not NaN, not infinite).
    #[inline(always)]
    pub fn is_finite(self) -> Mask {
        maskwise!(|i| self.0[i].abs() < f64::INFINITY)
    }
}

impl Mask {
    /// All lanes set to `v`.
    #[inline(always)]
    pub fn splat(v: bool) -> Self {
        Mask([if v { u64::MAX } else { 0 }; LANES])
    }

    /// `a` where the mask is set, `b` elsewhere.
    #[inline(always)]
    pub fn select(self, a: F64x, b: F64x) -> F64x {
        lanewise!(self, |i| f64::from_bits(
            (a.0[i].to_bits() & self.0[i]) | (b.0[i].to_bits() & !self.0[i])
        ))
    }

    /// True if any lane is set.
    #[inline(always)]
    pub fn any(self) -> bool {
        let mut acc = 0u64;
        for i in 0..LANES {
            acc |= self.0[i];
        }
        acc != 0
    }

    /// True if every lane is set.
    #[inline(always)]
    pub fn all(self) -> bool {
        let mut acc = u64::MAX;
        for i in 0..LANES {
            acc &= self.0[i];
        }
        acc == u64::MAX
    }

    /// Whether lane `i` is set.
    #[inline(always)]
    pub fn test(self, i: usize) -> bool {
        self.0[i] != 0
    }
}

macro_rules! binop {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for F64x {
            type Output = F64x;
            #[inline(always)]
            fn $f(self, b: F64x) -> F64x {
                lanewise!(self, |i| self.0[i] $op b.0[i])
            }
        }
        impl $tr<f64> for F64x {
            type Output = F64x;
            #[inline(always)]
            fn $f(self, b: f64) -> F64x {
                lanewise!(self, |i| self.0[i] $op b)
            }
        }
        impl $tr<F64x> for f64 {
            type Output = F64x;
            #[inline(always)]
            fn $f(self, b: F64x) -> F64x {
                lanewise!(b, |i| self $op b.0[i])
            }
        }
    };
}

binop!(Add, add, +);
binop!(Sub, sub, -);
binop!(Mul, mul, *);
binop!(Div, div, /);

impl Neg for F64x {
    type Output = F64x;
    #[inline(always)]
    fn neg(self) -> F64x {
        lanewise!(self, |i| -self.0[i])
    }
}

impl BitAnd for Mask {
    type Output = Mask;
    #[inline(always)]
    fn bitand(self, b: Mask) -> Mask {
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = self.0[i] & b.0[i];
        }
        Mask(out)
    }
}

impl BitOr for Mask {
    type Output = Mask;
    #[inline(always)]
    fn bitor(self, b: Mask) -> Mask {
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = self.0[i] | b.0[i];
        }
        Mask(out)
    }
}

impl BitXor for Mask {
    type Output = Mask;
    #[inline(always)]
    fn bitxor(self, b: Mask) -> Mask {
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = self.0[i] ^ b.0[i];
        }
        Mask(out)
    }
}

impl Not for Mask {
    type Output = Mask;
    #[inline(always)]
    fn not(self) -> Mask {
        let mut out = [0u64; LANES];
        for i in 0..LANES {
            out[i] = !self.0[i];
        }
        Mask(out)
    }
}
