"""A client of `diffqp serve` with only the standard library and NumPy (Open Inference Protocol, REST).

    python3 diffqp_client.py [http://127.0.0.1:8000]

solves a batch of two small QPs that share Q and G (p and h per problem), then asks the qp-grad model for
the gradients of the loss sum(x) with respect to every datum.
"""
import json
import sys
import urllib.error
import urllib.request

import numpy as np


def tensor(name, array):
    """An FP64 input tensor: shape and row-major data."""
    array = np.ascontiguousarray(array, dtype=np.float64)
    return {"name": name, "datatype": "FP64", "shape": list(array.shape), "data": array.ravel().tolist()}


def infer(url, model, inputs, outputs=None, parameters=None, request_id=None):
    """POSTs one inference request; returns the outputs as NumPy arrays by name, statuses as strings."""
    body = {"inputs": [tensor(name, value) for name, value in inputs.items()]}
    if outputs:
        body["outputs"] = [{"name": name} for name in outputs]
    if parameters:
        body["parameters"] = parameters
    if request_id is not None:
        body["id"] = request_id
    request = urllib.request.Request(f"{url}/v2/models/{model}/infer", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as e:  # 400, 404, 413, 503, 504: {"error": "..."}
        raise RuntimeError(f"HTTP {e.code}: {json.load(e)['error']}") from None
    result = {}
    for out in answer["outputs"]:
        if out["datatype"] == "BYTES":
            result[out["name"]] = list(out["data"])
        else:
            dtype = np.int32 if out["datatype"] == "INT32" else np.float64
            result[out["name"]] = np.array(out["data"], dtype=dtype).reshape(out["shape"])
    return result


def main(url):
    Q = np.array([[2.0, 0.5], [0.5, 1.0]])           # shared: no batch axis
    G = np.array([[1.0, 1.0], [-1.0, 0.0]])          # shared
    p = np.array([[1.0, -1.0], [-2.0, 0.5]])          # per problem: [B, n]
    h = np.array([[1.0, 0.0], [0.5, 0.2]])            # per problem: [B, m]
    inputs = {"Q": Q, "p": p, "G": G, "h": h}

    solved = infer(url, "qp", inputs, outputs=["x", "objective", "status"], request_id="example-1")
    print("status   ", solved["status"])
    print("x        ", solved["x"].tolist())
    print("objective", solved["objective"].tolist())

    grads = infer(url, "qp-grad", {**inputs, "dl_dx": np.ones_like(p)}, outputs=["dQ", "dp", "dG", "dh"])
    print("dQ (summed over the batch, as Q is shared)", grads["dQ"].tolist())
    print("dp (per problem)", grads["dp"].tolist())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
