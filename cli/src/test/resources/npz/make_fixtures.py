"""Writes the NumPy fixtures of NpzInputTest and the fuzz suite with NumPy itself.

Run from this directory:  python3 make_fixtures.py
The files are committed; rerun only to change them. Each problems file holds the same batch as
examples/problems/small-batch.json (solving either must give the same answer), except the ones named
for the fault they carry.
"""
import json
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLE = HERE.parents[4] / "examples" / "problems" / "small-batch.json"

data = {k: np.asarray(v, dtype=np.float64) for k, v in json.loads(EXAMPLE.read_text()).items()}
B, n = data["p"].shape

# The example as it is: float64 throughout, shared Q, G, h, A, b and a per-problem p.
np.savez(HERE / "small-batch.npz", **data)
np.savez_compressed(HERE / "small-batch-compressed.npz", **data)

# The same numbers in other layouts NumPy users produce: narrower dtypes (every value is exact in them),
# a column-major (Fortran-order) matrix, a big-endian vector, and Q repeated along a batch axis.
np.savez(HERE / "small-batch-variants.npz",
         Q=np.repeat(data["Q"][None], B, axis=0).astype(np.float32),
         p=data["p"].astype(">f8"),
         G=np.asfortranarray(data["G"]),
         h=data["h"],  # 0.6 is exact in no narrower type
         A=data["A"].astype(np.int32),
         b=data["b"].astype(np.uint8))

# A loss gradient for the batch, as a bare array and as an archive, and as the JSON gradient file.
dl_dx = np.array([[1.0, -0.5, 0.25], [0.0, 2.0, -1.0], [0.5, 0.5, 0.5]])
np.save(HERE / "dl_dx.npy", dl_dx)
np.savez(HERE / "dl_dx.npz", dl_dx=dl_dx)
(HERE / "dl_dx.json").write_text(json.dumps({"dl_dx": dl_dx.tolist()}) + "\n")

# A column-major 3-d array, whose values count up in row-major order: reading must give 0, 1, ..., 23.
np.save(HERE / "fortran-3d.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))

# Faults, one per file.
np.savez(HERE / "missing-p.npz", Q=data["Q"])
np.savez(HERE / "wrong-columns.npz", p=np.zeros((3, 4)), G=np.zeros((3, 2, 5)), h=np.zeros((3, 2)))
np.savez(HERE / "complex-q.npz", Q=data["Q"].astype(np.complex128), p=data["p"])
np.savez(HERE / "bool-g.npz", p=data["p"], G=data["G"] > 0, h=data["h"])
np.savez(HERE / "unknown-array.npz", p=data["p"], c=np.ones(3))
np.save(HERE / "single-array.npy", data["p"])
raw = (HERE / "small-batch.npz").read_bytes()
(HERE / "truncated.npz").write_bytes(raw[: len(raw) // 2])
