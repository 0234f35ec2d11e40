"""Small readers for the reference: IDX (MNIST) files, safetensors files, and which BLAS torch uses."""
from __future__ import annotations

import gzip
import json
import os
import struct

import numpy as np

_SAFETENSORS_DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "U8": np.uint8}


def read_idx(path: str) -> np.ndarray:
    """An unsigned-byte IDX array (raw or gzip), shaped by its header."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim, count=int(np.prod(dims))).reshape(dims)


def read_mnist_train(directory: str) -> tuple[np.ndarray, np.ndarray]:
    """MNIST training images [N, 784] (uint8) and labels [N]."""
    def find(stem: str) -> str:
        for name in (stem, stem + ".gz"):
            p = os.path.join(directory, name)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(f"{directory}: no {stem}[.gz]")
    images = read_idx(find("train-images-idx3-ubyte"))
    labels = read_idx(find("train-labels-idx1-ubyte"))
    return images.reshape(images.shape[0], -1), labels


def read_safetensors(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Every tensor of a safetensors file, and its string metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = np.dtype(_SAFETENSORS_DTYPES[info["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(raw[base + begin:base + end], dtype=dtype).reshape(info["shape"]).copy()
    return out, meta


def blas_in_use() -> str:
    """Which BLAS library this process has loaded (Linux: read from /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return "unknown"
    paths = {line.split()[-1] for line in maps.splitlines() if line.count(" ") >= 5 and "/" in line}
    for key, name in (("openblas", "openblas"), ("mkl_", "mkl"), ("blis", "blis"), ("atlas", "atlas")):
        if any(key in os.path.basename(p) or key in p for p in paths):
            return name
    blas = [p for p in paths if "libblas.so" in p]
    if blas:
        real = os.path.realpath(blas[0])
        return "openblas" if "openblas" in real else f"reference ({real})"
    return "unknown"
