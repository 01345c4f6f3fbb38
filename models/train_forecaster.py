"""Trains the detector's forecaster and writes models/forecaster-mlp.onnx and its manifest.

Rerun here with Debian's packages (pinned in models/README.md), from the repository root:
    models/train.sh
The model sees a stream's last RECENT values and the means of its last BLOCKS blocks of BLOCK_SIZE values
(so it sees a day of 5-minute data where the recent values alone span hours), normalised exactly as
appliance/detect/stream-state.ts does, and forecasts the next value; the detector turns the forecast error into an anomaly likelihood.
Data: every NAB file in ../shared/data/nab (unlabelled use: labels are never read) and the simulated
world's clean streams. Deterministic: fixed seeds, one thread, no data-order randomness beyond the seed.
"""
import csv
import glob
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch

RECENT = 32
BLOCKS = 32
BLOCK_SIZE = 16
WINDOW = RECENT + BLOCKS
HISTORY = BLOCKS * BLOCK_SIZE
SEED = 20261126
EPOCHS = 4
HIDDEN = 64
NAME = "forecaster-mlp"
VERSION = "2.0.0"
OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def series_from_nab(nab_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(nab_dir, "*", "*.csv"))):
        with open(path) as f:
            rows = list(csv.reader(f))[1:]
        out.append(np.array([float(r[1]) for r in rows], dtype=np.float64))
    return out


def series_from_sim(path):
    by_stream = {}
    with open(path) as f:
        for stream, value in list(csv.reader(f))[1:]:
            by_stream.setdefault(stream, []).append(float(value))
    return [np.array(by_stream[k], dtype=np.float64) for k in sorted(by_stream)]


def windows(series, stride):
    """(inputs, targets) as StreamState.writeInput: RECENT values then BLOCKS block means, centred on the
    recent mean and divided by max(recent std, 0.1 x running mean step, 1e-6 x |mean|, 1e-9)."""
    n = len(series)
    if n <= HISTORY:
        return np.zeros((0, WINDOW)), np.zeros((0,))
    spread = np.zeros(n)
    s = 0.0
    for t in range(n):
        step = abs(series[t] - series[t - 1]) if t > 0 else 0.0
        s += (step - s) / min(t + 1, 1000)
        spread[t] = s
    idx = np.arange(HISTORY, n, stride)
    recent = np.stack([series[i - RECENT:i] for i in idx])
    cs = np.concatenate([[0.0], np.cumsum(series)])
    starts = idx[:, None] - HISTORY + BLOCK_SIZE * np.arange(BLOCKS)[None, :]
    blocks = (cs[starts + BLOCK_SIZE] - cs[starts]) / BLOCK_SIZE
    mean = recent.mean(axis=1)
    std = recent.std(axis=1)
    scale = np.maximum.reduce([std, 0.1 * spread[idx - 1], 1e-6 * np.abs(mean), np.full_like(std, 1e-9)])
    xn = (np.concatenate([recent, blocks], axis=1) - mean[:, None]) / scale[:, None]
    y = (series[idx] - mean) / scale
    return xn, np.clip(y, -20, 20)


def main():
    nab_dir, sim_csv = sys.argv[1], sys.argv[2]
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    parts = [windows(s, 1) for s in series_from_nab(nab_dir)] + [windows(s, 4) for s in series_from_sim(sim_csv)]
    x = torch.tensor(np.concatenate([p[0] for p in parts]), dtype=torch.float32)
    y = torch.tensor(np.concatenate([p[1] for p in parts]), dtype=torch.float32)[:, None]
    x = torch.clamp(x, -20, 20)
    model = torch.nn.Sequential(
        torch.nn.Linear(WINDOW, HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, 1),
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.SmoothL1Loss()  # robust: the data holds the anomalies we want it not to learn
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), 512):
            batch = order[start:start + 512]
            optimiser.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total / len(x):.4f} on {len(x)} windows", file=sys.stderr)

    model.eval()
    onnx_path = os.path.join(OUT_DIR, f"{NAME}.onnx")
    torch.onnx.export(
        model, torch.zeros(1, WINDOW), onnx_path, input_names=["window"], output_names=["forecast"],
        dynamic_axes={"window": {0: "batch"}, "forecast": {0: "batch"}}, opset_version=13,
    )
    onnx.checker.check_model(onnx.load(onnx_path))
    sample_in = torch.tensor(np.sin(np.arange(WINDOW) / 4.0) * 1.5, dtype=torch.float32)[None, :]
    with torch.no_grad():
        sample_out = model(sample_in)[0, 0].item()
    with open(onnx_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest = {
        "name": NAME,
        "version": VERSION,
        "file": f"{NAME}.onnx",
        "sha256": digest,
        "inputs": [{"name": "window", "type": "float32", "shape": ["batch", WINDOW]}],
        "outputs": [{"name": "forecast", "type": "float32", "shape": ["batch", 1]}],
        "preprocessing": (
            f"the stream's last {RECENT} values, oldest first, then the means of its last {BLOCKS} blocks of "
            f"{BLOCK_SIZE} values, oldest first; all minus the mean of the {RECENT} recent values, divided by "
            "max(their population std, 0.1 x the stream's running mean absolute step, 1e-6 x |mean|, 1e-9), "
            "clipped to [-20, 20]"
        ),
        "layout": {"recent": RECENT, "blocks": BLOCKS, "blockSize": BLOCK_SIZE},
        "output": "the next value, normalised the same way",
        "sample": {"input": [round(v, 6) for v in sample_in[0].tolist()], "output": round(sample_out, 6)},
        "training": {
            "script": "models/train_forecaster.py",
            "data": "NAB files in shared/data/nab (values only) + simulated factory/city streams (seed 1)",
            "seed": SEED, "epochs": EPOCHS, "windows": len(x),
            "torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__,
        },
    }
    with open(os.path.join(OUT_DIR, f"{NAME}.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} sha256 {digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
