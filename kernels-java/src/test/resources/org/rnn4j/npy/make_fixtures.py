"""Regenerates the tiny NumPy-written fixtures used by NpyFixtureTest (run from this directory).

The Java tests assert these exact values; keep the two in sync.
"""
import numpy as np

f32 = np.array([[1.5, -2.25, 3e-8], [0.1, 65504.0, -0.0]], dtype=np.float32)
i64 = np.array([0, -1, 2**40, -(2**62)], dtype=np.int64)
i32 = np.array([7, -8, 2**31 - 1], dtype=np.int32)
scalar = np.float64(np.pi)

np.savez("small_stored.npz", f32=f32, i64=i64, scalar=scalar, i32=i32)
np.savez_compressed("small_deflated.npz", f32=f32, i64=i64, scalar=scalar, i32=i32)
np.save("f32_2x3.npy", f32)
np.save("f64_scalar.npy", scalar)
