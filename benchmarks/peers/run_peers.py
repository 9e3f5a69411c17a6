#!/usr/bin/env python3
"""Run DiffQP's peers outside the JVM on the very problems DiffQP solved, and compare.

    java -jar cli/target/diffqp.jar bench --quick --export /tmp/diffqp-cases
    python3 benchmarks/peers/run_peers.py /tmp/diffqp-cases [--peers qpth,qpax,cvxpylayers] [--device cuda] [--threads N]

The export directory holds, per case NAME, NAME.problems.json (DiffQP's problems-file format: each datum
batched [B][...] or shared without the batch axis), NAME.dl_dx.json ({"dl_dx": [B][n]}, the fixed loss
gradient) and NAME.diffqp.json (DiffQP's solution file with x and the gradients dQ dp dG dh dA db of
l = sum_i dl_dx[i] . x[i]), listed in manifest.json with DiffQP's own median forward/backward seconds.

For each peer that is installed, each case is solved (forward) and differentiated (backward, the same
dl/dx), each timed as a median after warm-up, and compared with DiffQP: max |x_peer - x_diffqp| and,
per datum, ||grad_peer - grad_diffqp||_inf / ||grad_diffqp||_inf (the table shows the worst datum).

Peers and their conventions, which the comparison accounts for:
  qpth         QPFunction (PyTorch). Shared data are passed unbatched, as a layer would; qpth's backward
               AVERAGES a shared datum's gradient over the batch (.mean(0)) where DiffQP SUMS, so qpth's
               shared gradients are multiplied by B before comparing. Needs m > 0.
  qpax         solve_qp_primal (or solve_qp_x in older releases) under jax.vmap, float64. Shared data get
               in_axes=None, so JAX sums their gradients, as DiffQP does. qpax differentiates a relaxed
               solution (target_kappa); --qpax-kappa sets it (default 1e-8, near DiffQP's exact gradient;
               qpax's own default 1e-3 smooths gradients on purpose and will differ).
  cvxpylayers  CvxpyLayer (PyTorch) of min 0.5||L x||^2 + p'x, Gx <= h, Ax = b with Q = L'L (Cholesky),
               solved by its default conic solver. Shared data are expanded to the batch and their
               gradients summed here. dQ is not compared (cvxpylayers differentiates L, not Q).

The script imports these packages; it contains none of their code. A peer that is not installed is
reported and skipped, and so is everything when numpy is missing: the exit code is then still 0.
Exit codes: 0 done (peers may have been skipped), 2 bad usage or not an export directory.
"""

import argparse
import json
import os
import statistics
import sys
import time

PEERS = ("qpth", "qpax", "cvxpylayers")
INSTALL = {
    "qpth": "pip install qpth torch",
    "qpax": "pip install qpax jax",
    "cvxpylayers": "pip install cvxpylayers cvxpy torch",
}
DATA = ("Q", "p", "G", "h", "A", "b")
VECTORS = ("p", "h", "b")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("export_dir", help="directory written by `diffqp bench --export DIR`")
    ap.add_argument("--peers", default=",".join(PEERS),
                    help="comma-separated peers to run (default: %(default)s)")
    ap.add_argument("--cases", default=None, help="comma-separated case names to run (default: all)")
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                    help="PyTorch device for qpth and cvxpylayers (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=None,
                    help="CPU threads for PyTorch (torch.set_num_threads: qpth, cvxpylayers); give the thread "
                         "count DiffQP ran with (default: PyTorch's own, which may be 1). JAX is not set")
    ap.add_argument("--warmup", type=int, default=2, help="warm-up runs (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs, median taken (default: %(default)s)")
    ap.add_argument("--max-seconds", type=float, default=20.0,
                    help="stop timing a row after 1 run once this is spent (default: %(default)s)")
    ap.add_argument("--qpth-max-iter", type=int, default=20, help="qpth's maxIter (default: qpth's own, 20)")
    ap.add_argument("--qpax-tol", type=float, default=1e-8, help="qpax solver_tol (default: %(default)s)")
    ap.add_argument("--qpax-kappa", type=float, default=1e-8, help="qpax target_kappa (default: %(default)s)")
    ap.add_argument("--markdown", default=None, help="also write the table as markdown to this file")
    ap.add_argument("--json", default=None, help="also write the rows as JSON (keys as diffqp bench --json)")
    ap.add_argument("--verbose", action="store_true", help="print the per-datum gradient differences")
    args = ap.parse_args(argv)
    args.peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in args.peers if p not in PEERS]
    if unknown:
        ap.error("unknown peer(s) %s; known: %s" % (", ".join(unknown), ", ".join(PEERS)))
    if args.repeats < 1 or args.warmup < 0:
        ap.error("--repeats must be at least 1 and --warmup at least 0")
    if args.threads is not None and args.threads < 1:
        ap.error("--threads must be at least 1")
    return args


def load_manifest(directory):
    path = os.path.join(directory, "manifest.json")
    if not os.path.isfile(path):
        print("run_peers.py: %s has no manifest.json; write one with `diffqp bench --export %s`"
              % (directory, directory), file=sys.stderr)
        raise SystemExit(2)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def available(peer):
    """(True, None) when the peer and its framework import, else (False, reason)."""
    try:
        if peer == "qpth":
            import torch  # noqa: F401
            import qpth.qp  # noqa: F401
        elif peer == "qpax":
            import jax  # noqa: F401
            import qpax  # noqa: F401
        elif peer == "cvxpylayers":
            import torch  # noqa: F401
            import cvxpy  # noqa: F401
            import cvxpylayers.torch  # noqa: F401
        return True, None
    except Exception as e:  # ImportError, or a broken install that fails while importing
        return False, "%s (%s)" % (e.__class__.__name__, e)


# ---- the problem files -------------------------------------------------------------------------------------

class Case:
    """One exported case: the data (numpy, each with .shared), dl/dx, and DiffQP's answers."""

    def __init__(self, np, directory, entry):
        self.name = entry["case"]
        self.B, self.n, self.m, self.q = entry["batch"], entry["n"], entry["m"], entry["q"]
        self.diffqp_forward = entry.get("diffqp_forward_seconds")
        self.diffqp_backward = entry.get("diffqp_backward_seconds")
        with open(os.path.join(directory, entry["problems"]), encoding="utf-8") as f:
            raw = json.load(f)
        with open(os.path.join(directory, entry["dl_dx"]), encoding="utf-8") as f:
            self.dl_dx = np.asarray(json.load(f)["dl_dx"], dtype=np.float64).reshape(self.B, self.n)
        with open(os.path.join(directory, entry["diffqp"]), encoding="utf-8") as f:
            sol = json.load(f)
        self.x = np.asarray(sol["x"], dtype=np.float64).reshape(self.B, self.n)
        rows = {"Q": self.n, "p": self.n, "G": self.m, "h": self.m, "A": self.q, "b": self.q}
        self.data, self.shared, self.grad = {}, {}, {}
        for key in DATA:
            value = raw.get(key)
            if value is None or rows[key] == 0:
                continue
            arr = np.asarray(value, dtype=np.float64)
            per_problem = 1 if key in VECTORS else 2
            self.shared[key] = arr.ndim == per_problem  # shared data have no batch axis
            self.data[key] = arr
            g = sol.get("d" + key)
            if g is not None:
                self.grad[key] = np.asarray(g, dtype=np.float64)
        if "Q" not in self.data:  # an LP: the format allows Q to be absent
            self.data["Q"] = np.zeros((self.n, self.n))
            self.shared["Q"] = True

    def batched(self, np, key):
        """The datum with a batch axis (shared data repeated, as a copy)."""
        arr = self.data[key]
        if self.shared[key]:
            return np.broadcast_to(arr, (self.B,) + arr.shape).copy()
        return arr


# ---- timing ------------------------------------------------------------------------------------------------

def median_time(fn, warmup, repeats, max_seconds, sync=lambda: None):
    """Median seconds of fn() after warm-up; sync() waits for queued device work (CUDA) before the clock stops."""
    spent = 0.0
    for _ in range(max(1, warmup)):
        t0 = time.perf_counter()
        fn()
        sync()
        spent += time.perf_counter() - t0
        if spent > max_seconds / 2:
            break
    times = []
    spent = 0.0
    while len(times) < repeats and (len(times) < 1 or spent < max_seconds):
        t0 = time.perf_counter()
        fn()
        sync()
        dt = time.perf_counter() - t0
        times.append(dt)
        spent += dt
    return statistics.median(times)


# ---- the peers ---------------------------------------------------------------------------------------------

def run_qpth(np, case, args):
    import torch
    from qpth.qp import QPFunction
    if case.m == 0:
        raise Skip("qpth needs inequalities (m > 0)")
    dev = torch.device(args.device)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    empty = torch.empty(0, dtype=torch.float64, device=dev)

    def tensors(requires_grad):
        out = {}
        for key in DATA:
            if key in case.data:
                out[key] = torch.tensor(case.data[key], dtype=torch.float64, device=dev,
                                        requires_grad=requires_grad)
            else:
                out[key] = empty
        return out

    try:
        layer = QPFunction(verbose=-1, maxIter=args.qpth_max_iter)
    except TypeError:  # qpth before 0.0.6: a Function instance that takes only verbose
        layer = QPFunction(verbose=-1)

    def solve(t):
        return layer(t["Q"], t["p"], t["G"], t["h"], t["A"], t["b"])

    plain = tensors(False)
    with torch.no_grad():
        forward = median_time(lambda: solve(plain), args.warmup, args.repeats, args.max_seconds, sync)
        x = solve(plain).cpu().numpy().reshape(case.B, case.n)

    g = torch.tensor(case.dl_dx, dtype=torch.float64, device=dev)
    state = {}

    def prepare():
        t = tensors(True)
        state["t"], state["x"] = t, solve(t)

    def backward():
        (state["x"] * g).sum().backward()

    backward_seconds = median_backward(prepare, backward, args, sync)
    t = state["t"]
    grads = {}
    for key in case.data:
        if key in case.grad and t[key].grad is not None:
            gk = t[key].grad.cpu().numpy()
            # qpth's backward averages an expanded (shared) datum's gradient over the batch; DiffQP sums.
            grads[key] = gk * case.B if case.shared[key] else gk
    return Result(forward, backward_seconds, x, grads, device=args.device,
                  note="shared grads x B (qpth averages)" if any(case.shared.values()) else "")


def run_qpax(np, case, args):
    import inspect
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import qpax
    fn = getattr(qpax, "solve_qp_primal", None) or getattr(qpax, "solve_qp_x")
    params = list(inspect.signature(fn).parameters)
    extra = []
    if "solver_tol" in params:
        extra.append(args.qpax_tol)
    if "target_kappa" in params:
        extra.append(args.qpax_kappa)
    n = case.n
    # qpax orders the data Q, q, A, b, G, h and takes empty A, b (or G, h) for absent constraints.
    names = ("Q", "p", "A", "b", "G", "h")
    empty = {"A": jnp.zeros((0, n)), "b": jnp.zeros((0,)), "G": jnp.zeros((0, n)), "h": jnp.zeros((0,))}
    values, axes = [], []
    for key in names:
        if key in case.data:
            values.append(jnp.asarray(case.data[key]))
            axes.append(None if case.shared[key] else 0)
        else:
            values.append(empty[key])
            axes.append(None)

    def one(Q, q, A, b, G, h):
        return fn(Q, q, A, b, G, h, *extra)  # positional: custom_vjp functions take no keywords

    batch = jax.vmap(one, in_axes=tuple(axes))
    if all(a is None for a in axes):  # every datum shared: vmap needs one batched input
        batch = jax.vmap(one, in_axes=(None,) * 6, axis_size=case.B)
    g = jnp.asarray(case.dl_dx)
    forward_fn = jax.jit(batch)
    grad_fn = jax.jit(jax.grad(lambda *v: jnp.sum(batch(*v) * g), argnums=tuple(range(6))))
    forward = median_time(lambda: forward_fn(*values).block_until_ready(), args.warmup, args.repeats,
                          args.max_seconds)
    x = np.asarray(forward_fn(*values)).reshape(case.B, n)

    def full():
        out = grad_fn(*values)
        jax.block_until_ready(out)
        return out

    # JAX computes forward and backward in one call here; the backward's time is the difference.
    both = median_time(full, args.warmup, args.repeats, args.max_seconds)
    out = full()
    grads = {key: np.asarray(out[i]) for i, key in enumerate(names) if key in case.data and key in case.grad}
    return Result(forward, max(both - forward, 0.0), x, grads, device=jax.default_backend(),
                  note="backward = (fwd+bwd) - fwd")


def run_cvxpylayers(np, case, args):
    import cvxpy as cp
    import torch
    from cvxpylayers.torch import CvxpyLayer
    n, m, q, B = case.n, case.m, case.q, case.B
    dev = torch.device(args.device)
    Qs = case.batched(np, "Q")
    try:
        L = np.stack([np.linalg.cholesky(Qi).T for Qi in Qs])  # Q = L'L
    except np.linalg.LinAlgError:
        raise Skip("Q is not positive definite (cvxpylayers is given Q through its Cholesky factor)")
    x = cp.Variable(n)
    Lp, pp = cp.Parameter((n, n)), cp.Parameter(n)
    params, keys, constraints = [Lp, pp], ["L", "p"], []
    if m > 0:
        Gp, hp = cp.Parameter((m, n)), cp.Parameter(m)
        params += [Gp, hp]
        keys += ["G", "h"]
        constraints.append(Gp @ x <= hp)
    if q > 0:
        Ap, bp = cp.Parameter((q, n)), cp.Parameter(q)
        params += [Ap, bp]
        keys += ["A", "b"]
        constraints.append(Ap @ x == bp)
    problem = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(Lp @ x) + pp @ x), constraints)
    layer = CvxpyLayer(problem, parameters=params, variables=[x])
    # Every parameter batched: cvxpylayers' handling of unbatched ones is then not in question.
    arrays = {"L": L}
    for key in keys[1:]:
        arrays[key] = case.batched(np, key)

    def tensors(requires_grad):
        return [torch.tensor(arrays[k], dtype=torch.float64, device=dev, requires_grad=requires_grad) for k in keys]

    plain = tensors(False)
    with torch.no_grad():
        forward = median_time(lambda: layer(*plain), args.warmup, args.repeats, args.max_seconds)
        xs = layer(*plain)[0].cpu().numpy().reshape(B, n)
    g = torch.tensor(case.dl_dx, dtype=torch.float64, device=dev)
    state = {}

    def prepare():
        t = tensors(True)
        state["t"], state["x"] = t, layer(*t)[0]

    def backward():
        (state["x"] * g).sum().backward()

    backward_seconds = median_backward(prepare, backward, args, lambda: None)
    grads = {}
    for key, t in zip(keys, state["t"]):
        if key == "L" or key not in case.grad or t.grad is None:
            continue
        gk = t.grad.cpu().numpy()
        grads[key] = gk.sum(axis=0) if case.shared[key] else gk  # expanded here, so summed here
    return Result(forward, backward_seconds, xs, grads, device=args.device, note="dQ not compared (via L)")


def median_backward(prepare, backward, args, sync):
    """Median seconds of backward(), each run after an untimed prepare() (a fresh forward)."""
    times, spent = [], 0.0
    for i in range(max(1, args.warmup) + args.repeats):
        prepare()
        sync()
        t0 = time.perf_counter()
        backward()
        sync()
        dt = time.perf_counter() - t0
        if i >= max(1, args.warmup):
            times.append(dt)
            spent += dt
            if spent > args.max_seconds:
                break
    return statistics.median(times)


RUNNERS = {"qpth": run_qpth, "qpax": run_qpax, "cvxpylayers": run_cvxpylayers}


class Skip(Exception):
    """A case this peer cannot take, with the reason."""


class Result:
    def __init__(self, forward, backward, x, grads, device, note=""):
        self.forward, self.backward, self.x, self.grads, self.device, self.note = (
            forward, backward, x, grads, device, note)


# ---- comparison and output ---------------------------------------------------------------------------------

def compare(np, case, result):
    dx = float(np.max(np.abs(result.x - case.x))) if result.x.size else 0.0
    rel = {}
    for key, g in result.grads.items():
        ref = case.grad[key].reshape(g.shape) if case.grad[key].size == g.size else None
        if ref is None:
            rel[key] = float("nan")
            continue
        scale = float(np.max(np.abs(ref)))
        diff = float(np.max(np.abs(g - ref)))
        rel[key] = diff / scale if scale > 0 else diff
    return dx, rel


def fmt_seconds(s):
    if s is None or s != s:
        return "-"
    if s < 1e-3:
        return "%.0f us" % (s * 1e6)
    if s < 1:
        return "%.2f ms" % (s * 1e3)
    return "%.2f s" % s


def fmt(v, pattern):
    return "-" if v is None or v != v else pattern % v


HEADER = ("case", "solver", "device", "forward", "backward", "x DiffQP fwd", "x DiffQP bwd", "max |dx|",
          "max rel dgrad", "note")


def table_cells(rows):
    cells = [HEADER]
    for r in rows:
        cells.append((r["case"], r["solver"], r["backend"], fmt_seconds(r["seconds_per_batch"]),
                      fmt_seconds(r["backward_seconds_per_batch"]), fmt(r["ratio_to_diffqp"], "%.2f"),
                      fmt(r["backward_ratio_to_diffqp"], "%.2f"), fmt(r["max_abs_dx"], "%.1e"),
                      fmt(r["max_rel_dgrad"], "%.1e"), r["note"]))
    return cells


def print_table(rows):
    cells = table_cells(rows)
    width = [max(len(str(c[k])) for c in cells) for k in range(len(HEADER))]
    for i, c in enumerate(cells):
        print("  ".join(str(v).ljust(width[k]) for k, v in enumerate(c)).rstrip())
        if i == 0:
            print("-" * (sum(width) + 2 * (len(width) - 1)))


def markdown(rows, manifest):
    out = ["## Peers outside the JVM", "",
           "DiffQP's times (x DiffQP columns) are those of the `diffqp bench` run that exported the cases "
           "(%s); compare on the same machine only." % manifest.get("machine", "machine unknown"), ""]
    cells = table_cells(rows)
    for i, c in enumerate(cells):
        out.append("| " + " | ".join(str(v).replace("|", "\\|") for v in c) + " |")
        if i == 0:
            out.append("|" + " --- |" * len(HEADER))
    return "\n".join(out) + "\n"


def finite(value):
    """The value with NaN and infinities as None: JSON has no spelling for them."""
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def ratio(a, b):
    return a / b if a is not None and b else None


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not os.path.isdir(args.export_dir):
        print("run_peers.py: %s is not a directory; write one with `diffqp bench --export DIR`" % args.export_dir,
              file=sys.stderr)
        return 2
    manifest = load_manifest(args.export_dir)
    entries = manifest.get("cases", [])
    if args.cases:
        wanted = set(c.strip() for c in args.cases.split(","))
        entries = [e for e in entries if e["case"] in wanted]
    print("cases       %d from %s (DiffQP %s, tolerance %s)" % (len(entries), args.export_dir,
                                                              manifest.get("diffqp_version", "?"),
                                                              manifest.get("diffqp_tolerance", "?")))
    try:
        import numpy as np
    except ImportError:
        print("numpy       not installed (pip install numpy): every peer needs it")
        for peer in args.peers:
            print("%-11s skipped: needs numpy (then: %s)" % (peer, INSTALL[peer]))
        return 0
    runnable = []
    for peer in args.peers:
        ok, why = available(peer)
        if ok:
            runnable.append(peer)
            print("%-11s found" % peer)
        else:
            print("%-11s not installed, skipped: %s (%s)" % (peer, why, INSTALL[peer]))
    if not runnable:
        print("nothing to run: none of %s is installed" % ", ".join(args.peers))
        return 0
    if any(p in ("qpth", "cvxpylayers") for p in runnable):
        import torch
        if args.threads is not None:
            torch.set_num_threads(args.threads)
        print("threads     PyTorch %d%s" % (torch.get_num_threads(), "" if args.threads else " (its default)"))
    print("note        qpth averages a shared datum's gradient over the batch (.mean(0)); DiffQP sums. "
          "qpth's shared gradients are multiplied by B before comparing.")
    rows = []
    for entry in entries:
        case = Case(np, args.export_dir, entry)
        for peer in runnable:
            row = {"case": case.name, "solver": peer, "backend": args.device, "seconds_per_batch": None,
                   "backward_seconds_per_batch": None, "ratio_to_diffqp": None, "backward_ratio_to_diffqp": None,
                   "max_abs_dx": None, "max_rel_dgrad": None, "note": "", "batch": case.B, "n": case.n,
                   "m": case.m, "q": case.q}
            try:
                result = RUNNERS[peer](np, case, args)
                dx, rel = compare(np, case, result)
                row.update(backend=result.device, seconds_per_batch=result.forward,
                           backward_seconds_per_batch=result.backward,
                           ratio_to_diffqp=ratio(result.forward, case.diffqp_forward),
                           backward_ratio_to_diffqp=ratio(result.backward, case.diffqp_backward),
                           max_abs_dx=dx, max_rel_dgrad=max(rel.values()) if rel else None, note=result.note,
                           rel_dgrad_per_datum=rel)
                if args.verbose:
                    print("  %s %s: %s" % (case.name, peer, ", ".join("d%s %.1e" % kv for kv in sorted(rel.items()))))
            except Skip as e:
                row["note"] = "skipped: %s" % e
            except Exception as e:  # a peer failing on one case must not hide the others
                row["note"] = "failed: %s: %s" % (e.__class__.__name__, str(e).splitlines()[0][:120] if str(e) else "")
            rows.append(row)
            print("  %-24s %-12s %s" % (case.name, peer, fmt_seconds(row["seconds_per_batch"])))
            sys.stdout.flush()
    print()
    print_table(rows)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(rows, manifest))
        print("markdown    %s" % args.markdown)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(finite(rows), f, indent=1)
        print("json        %s" % args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
