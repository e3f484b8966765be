#!/usr/bin/env python3
"""Trains QuantWatch's demo model: a small Llama (RMSNorm, adjacent-pair RoPE as in GGUF llama,
GQA attention, SwiGLU, tied embeddings) on the token streams `quantwatch model prepare` wrote.

CPU only (PyTorch 1.13 from Debian). Seeded. Writes the loss curve to loss.csv and, at every
checkpoint, float32 weights with GGUF tensor names (weights.json + weights.bin) for
`quantwatch model export`.
"""
import argparse, json, math, os, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, max_len, base):
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2).float() / head_dim))
    angles = torch.outer(torch.arange(max_len).float(), inv)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    # x: (B, T, H, D); rotate adjacent pairs (x[2i], x[2i+1]), llama.cpp's "normal" rope.
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, h, kv = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"]
        self.h, self.kv, self.hd = h, kv, d // h
        self.attn_norm = RMSNorm(d, cfg["norm_eps"])
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, kv * self.hd, bias=False)
        self.wv = nn.Linear(d, kv * self.hd, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.ffn_norm = RMSNorm(d, cfg["norm_eps"])
        self.w1 = nn.Linear(d, cfg["hidden_dim"], bias=False)  # gate
        self.w3 = nn.Linear(d, cfg["hidden_dim"], bias=False)  # up
        self.w2 = nn.Linear(cfg["hidden_dim"], d, bias=False)  # down

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        hx = self.attn_norm(x)
        q = apply_rope(self.wq(hx).view(B, T, self.h, self.hd), cos, sin)
        k = apply_rope(self.wk(hx).view(B, T, self.kv, self.hd), cos, sin)
        v = self.wv(hx).view(B, T, self.kv, self.hd)
        rep = self.h // self.kv
        k = k.repeat_interleave(rep, dim=2)
        v = v.repeat_interleave(rep, dim=2)
        q = q * (1.0 / math.sqrt(self.hd))  # scale the small tensor, not the T x T scores
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) + mask
        y = F.softmax(att, dim=-1) @ v
        x = x + self.wo(y.transpose(1, 2).reshape(B, T, -1))
        hx = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(hx)) * self.w3(hx))


class Llama(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg["vocab_size"], cfg["dim"])
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layers"]))
        self.norm = RMSNorm(cfg["dim"], cfg["norm_eps"])
        cos, sin = rope_tables(cfg["dim"] // cfg["n_heads"], cfg["max_seq_len"], cfg["rope_base"])
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * cfg["n_layers"]) if name.endswith(("wo.weight", "w2.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.embed(idx)
        mask = torch.full((T, T), float("-inf")).triu(1)
        for b in self.blocks:
            x = b(x, self.cos[:T], self.sin[:T], mask)
        return self.norm(x) @ self.embed.weight.t()  # tied output layer


def gguf_tensors(model):
    """(GGUF name, tensor) pairs; shapes stay PyTorch's [out, in]."""
    yield "token_embd.weight", model.embed.weight
    for i, b in enumerate(model.blocks):
        p = f"blk.{i}."
        yield p + "attn_norm.weight", b.attn_norm.weight
        yield p + "attn_q.weight", b.wq.weight
        yield p + "attn_k.weight", b.wk.weight
        yield p + "attn_v.weight", b.wv.weight
        yield p + "attn_output.weight", b.wo.weight
        yield p + "ffn_norm.weight", b.ffn_norm.weight
        yield p + "ffn_gate.weight", b.w1.weight
        yield p + "ffn_up.weight", b.w3.weight
        yield p + "ffn_down.weight", b.w2.weight
    yield "output_norm.weight", model.norm.weight


def save_weights(model, out_dir):
    tensors, offset = [], 0
    with open(os.path.join(out_dir, "weights.bin.tmp"), "wb") as f:
        for name, t in gguf_tensors(model):
            a = t.detach().float().contiguous().numpy().astype("<f4")
            f.write(a.tobytes())
            tensors.append({"name": name, "shape": list(a.shape), "offset": offset})
            offset += a.nbytes
    with open(os.path.join(out_dir, "weights.json.tmp"), "w") as f:
        json.dump({"config": model.cfg, "tensors": tensors}, f, indent=1)
    os.replace(os.path.join(out_dir, "weights.bin.tmp"), os.path.join(out_dir, "weights.bin"))
    os.replace(os.path.join(out_dir, "weights.json.tmp"), os.path.join(out_dir, "weights.json"))


def load_weights(model, out_dir):
    manifest = json.load(open(os.path.join(out_dir, "weights.json")))
    raw = np.fromfile(os.path.join(out_dir, "weights.bin"), dtype="<f4")
    by_name = {t["name"]: t for t in manifest["tensors"]}
    with torch.no_grad():
        for name, param in gguf_tensors(model):
            t = by_name[name]
            n = int(np.prod(t["shape"]))
            start = t["offset"] // 4
            param.copy_(torch.from_numpy(raw[start:start + n].reshape(t["shape"]).copy()))
    print(f"resumed from {out_dir}/weights.bin", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="models/build")
    ap.add_argument("--minutes", type=float, default=85.0, help="wall-clock training budget")
    ap.add_argument("--max-steps", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1, help="torch threads; OpenBLAS brings its own")
    ap.add_argument("--checkpoint-minutes", type=float, default=10.0)
    ap.add_argument("--resume", action="store_true", help="start from the weights in --build (fine-tuning; fresh optimizer)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    train = np.fromfile(os.path.join(args.build, "train.bin"), dtype="<u2").astype(np.int64)
    val = np.fromfile(os.path.join(args.build, "val.bin"), dtype="<u2").astype(np.int64)
    vocab = len(json.load(open(os.path.join(args.build, "tokenizer.json")))["tokens"])
    cfg = {"dim": args.dim, "n_layers": args.layers, "n_heads": 8, "n_kv_heads": 2, "hidden_dim": 3 * args.dim,
           "vocab_size": vocab, "max_seq_len": 512, "rope_base": 10000.0, "norm_eps": 1e-5}
    model = Llama(cfg)
    if args.resume:
        load_weights(model, args.build)
    params = sum(p.numel() for p in model.parameters())
    print(f"model: {params / 1e6:.2f} M parameters, config {cfg}", flush=True)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    rng = np.random.default_rng(args.seed)

    def batch(data, n):
        ix = rng.integers(0, len(data) - args.seq - 1, n)
        x = torch.from_numpy(np.stack([data[i:i + args.seq] for i in ix]))
        y = torch.from_numpy(np.stack([data[i + 1:i + 1 + args.seq] for i in ix]))
        return x, y

    budget = args.minutes * 60
    warmup = 200
    start = time.time()
    last_ckpt = start
    log = open(os.path.join(args.build, "loss.csv"), "w")
    log.write("step,seconds,tokens,lr,train_loss,val_loss\n")
    step, tokens, smooth = 0, 0, None
    while step < args.max_steps:
        elapsed = time.time() - start
        if elapsed > budget:
            break
        # Cosine decay over the wall-clock budget, so a time-boxed run still anneals.
        progress = min(1.0, elapsed / budget)
        lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = batch(train, args.batch)
        loss = F.cross_entropy(model(x).view(-1, vocab), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += x.numel()
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if step % 100 == 0:
            with torch.no_grad():
                vx, vy = batch(val, 16)
                vloss = F.cross_entropy(model(vx).view(-1, vocab), vy.view(-1)).item()
            line = f"{step},{time.time() - start:.0f},{tokens},{lr:.6f},{smooth:.4f},{vloss:.4f}"
            log.write(line + "\n")
            log.flush()
            print(line, f"({tokens / (time.time() - start):.0f} tok/s)", flush=True)
        if time.time() - last_ckpt > args.checkpoint_minutes * 60:
            save_weights(model, args.build)
            last_ckpt = time.time()
    save_weights(model, args.build)
    print(f"done: {step} steps, {tokens} tokens, {time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
