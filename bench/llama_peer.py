"""PyTorch eager peer for the Llama-family models: a plain-torch Llama causal LM in Hugging Face semantics
(RMSNorm, rotary embeddings in the rotate-half layout, grouped-query attention, optional q/k/v biases, SwiGLU
MLP, tied lm_head, KV cache) with random weights (std 0.02), float32 on the CPU. Measures load time and RSS,
KV-cache generation, teacher-forced scoring (log-softmax, next-token gather, top-k), the MiniLLM trainer step
(same arithmetic as minillm_step_peer.py) and RSS over a scoring soak; prints one JSON line per measurement
({"shape", "what", "value", "unit", settings...}) to sit beside the Java numbers.

Needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread); run:
    OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=SKYLAKEX OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/llama_peer.py --shape smollm2-135m
OPENBLAS_CORETYPE=SKYLAKEX uses AVX-512 kernels; on a CPU without avx512f OpenBLAS dies with SIGILL at the
first matmul, so the script then re-executes itself with OPENBLAS_CORETYPE unset (auto-detect) and says so on
stderr; the core type used is in every JSON line.
Options: --threads N (torch.set_num_threads, default 1), --only gen,score,train,mem, --iters N (timed repeats,
default 3), --soak N (scoring iterations of the memory soak, default 50), --greedy (default: multinomial
sampling from softmax at temperature 1), --check (correctness checks on tiny shapes first).
Shapes: smollm2-135m, qwen2.5-0.5b (2.1 GB after init, ~4 GB peak while scoring), tiny (smoke run). The train part runs for
smollm2-135m, or for any shape when named in --only. Parts run in the order gen, score, mem, train, so the soak's
RSS is not inflated by the optimiser state.
"""
import os, sys

AVX512_CORES = {"SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS"}
if os.environ.get("OPENBLAS_CORETYPE", "").upper() in AVX512_CORES and "avx512f" not in open("/proc/cpuinfo").read():
    print(f"llama_peer: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} needs AVX-512, which this CPU lacks; "
          "re-executing with OPENBLAS_CORETYPE unset (auto-detect)", file=sys.stderr, flush=True)
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse, json, math, resource, statistics, time, torch, torch.nn as nn, torch.nn.functional as F

from minillm_step import step  # the MiniLLM step shared with minillm_step_peer.py
# rope_theta and rms_norm_eps are the Hugging Face config values; the tiny shape keeps Llama's default theta 10000.
SHAPES = {
    "smollm2-135m": dict(L=30, C=576, H=9, KV=3, F=1536, V=49152, bias=False, theta=100000.0, eps=1e-5),
    "qwen2.5-0.5b": dict(L=24, C=896, H=14, KV=2, F=4864, V=151936, bias=True, theta=1000000.0, eps=1e-6),
    "tiny": dict(L=2, C=64, H=4, KV=2, F=128, V=1000, bias=False, theta=10000.0, eps=1e-5),
}


def P(*shape): return nn.Parameter(torch.empty(*shape).normal_(0, 0.02))


class Lin(nn.Module):  # nn.Linear without its own init, so initialisation is one normal_ per weight
    def __init__(s, i, o, bias=False):
        super().__init__(); s.weight, s.bias = P(o, i), nn.Parameter(torch.zeros(o)) if bias else None

    def forward(s, x): return F.linear(x, s.weight, s.bias)


class RMSNorm(nn.Module):
    def __init__(s, C, eps): super().__init__(); s.weight, s.eps = nn.Parameter(torch.ones(C)), eps

    def forward(s, x): return s.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + s.eps))


def rope(x, cos, sin):  # rotate-half layout: dimension i pairs with i + d/2
    x1, x2 = x.chunk(2, -1)
    return x * cos + torch.cat((-x2, x1), -1) * sin


class Layer(nn.Module):
    def __init__(s, c):
        super().__init__(); C, s.H, s.KV, s.d = c["C"], c["H"], c["KV"], c["C"] // c["H"]
        s.ln1, s.ln2 = RMSNorm(C, c["eps"]), RMSNorm(C, c["eps"])
        s.q, s.k, s.v = Lin(C, s.H * s.d, c["bias"]), Lin(C, s.KV * s.d, c["bias"]), Lin(C, s.KV * s.d, c["bias"])
        s.o = Lin(s.H * s.d, C)
        s.gate, s.up, s.down = Lin(C, c["F"]), Lin(C, c["F"]), Lin(c["F"], C)

    def forward(s, x, cos, sin, mask, kv, pos):
        B, T, _ = x.shape; H, KV, d = s.H, s.KV, s.d; r = H // KV
        h = s.ln1(x)
        q = rope(s.q(h).view(B, T, H, d).transpose(1, 2), cos, sin)
        k = rope(s.k(h).view(B, T, KV, d).transpose(1, 2), cos, sin)
        v = s.v(h).view(B, T, KV, d).transpose(1, 2)
        if kv is not None:  # preallocated cache, written in place
            kc, vc = kv; kc[:, :, pos:pos + T], vc[:, :, pos:pos + T] = k, v
            k, v = kc[:, :, :pos + T], vc[:, :, :pos + T]
        # GQA without copying K/V: query heads j*r..j*r+r-1 of KV head j become the r*T query rows of group j
        att = (q.reshape(B, KV, r * T, d) @ k.transpose(-2, -1)) * d ** -0.5 + mask
        y = (att.softmax(-1) @ v).view(B, H, T, d).transpose(1, 2).reshape(B, T, H * d)
        x = x + s.o(y)
        h = s.ln2(x)
        return x + s.down(F.silu(s.gate(h)) * s.up(h))


class Llama(nn.Module):
    def __init__(s, c):
        super().__init__(); s.c, s.d = c, c["C"] // c["H"]
        s.embed = P(c["V"], c["C"])
        s.layers = nn.ModuleList(Layer(c) for _ in range(c["L"])); s.norm = RMSNorm(c["C"], c["eps"])
        s.inv_freq = 1.0 / c["theta"] ** (torch.arange(0, s.d, 2).float() / s.d)

    def new_cache(s, B, S):
        return [(torch.zeros(B, s.c["KV"], S, s.d), torch.zeros(B, s.c["KV"], S, s.d)) for _ in s.layers]

    def forward(s, ids, cache=None, pos=0, last=False):
        B, T = ids.shape; r = s.c["H"] // s.c["KV"]
        f = torch.arange(pos, pos + T).float()[:, None] * s.inv_freq; e = torch.cat((f, f), -1)
        cos, sin = e.cos(), e.sin()
        mask = torch.full((T, pos + T), float("-inf")).triu(pos + 1).repeat(r, 1) if T > 1 else 0.0
        x = F.embedding(ids, s.embed)
        for i, l in enumerate(s.layers): x = l(x, cos, sin, mask, cache[i] if cache else None, pos)
        return F.linear(s.norm(x[:, -1:] if last else x), s.embed)  # tied lm_head


@torch.no_grad()
def generate(m, prompt, new, greedy, g):
    B, Pn = prompt.shape; cache = m.new_cache(B, Pn + new); out = []
    t0 = time.perf_counter()
    logits = m(prompt, cache, 0, last=True)[:, -1]
    t1 = time.perf_counter()
    for i in range(new):
        tok = logits.argmax(-1) if greedy else torch.multinomial(logits.softmax(-1), 1, generator=g)[:, 0]
        out.append(tok)
        if i + 1 < new: logits = m(tok[:, None], cache, Pn + i, last=True)[:, -1]
    return torch.stack(out, 1), t1 - t0, time.perf_counter() - t1


@torch.no_grad()
def score(m, ids, k):  # what a teacher scorer does: next-token log-probs and the top-k per position
    lp = F.log_softmax(m(ids)[:, :-1], -1)
    return lp.gather(-1, ids[:, 1:, None]).squeeze(-1), lp.topk(k, -1)


def rss_mib():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024


def peak_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check():
    torch.manual_seed(0); ok = True

    def report(name, err, tol, bad_if_above=True):
        nonlocal ok; good = err <= tol if bad_if_above else err > tol; ok &= good
        print(f"check {name}: {err:.2e} ({'<=' if bad_if_above else '>'} {tol:g}) {'ok' if good else 'FAIL'}", file=sys.stderr)

    for tag, c in [("tiny", SHAPES["tiny"]), ("tiny+bias,KV=1", dict(SHAPES["tiny"], bias=True, KV=1))]:
        m = Llama(c)
        with torch.no_grad():  # randomise biases and norm weights too, so that they are exercised
            for n, p in m.named_parameters():
                if p.dim() == 1: p.add_(torch.randn_like(p) * (0.1 if "ln" in n or n == "norm.weight" else 0.02))
            B, T = 2, 20; ids = torch.randint(0, c["V"], (B, T)); full = m(ids)
            cache = m.new_cache(B, T)
            parts = [m(ids[:, :7], cache, 0), m(ids[:, 7:12], cache, 7)] + [m(ids[:, t:t + 1], cache, t) for t in range(12, T)]
            report(f"{tag} KV-cache logits (prefill 7, chunk 5, then 1 at a time) vs full forward max|diff|",
                   (torch.cat(parts, 1) - full).abs().max().item(), 1e-4)
            t = 9; ids2 = ids.clone(); ids2[:, t] = (ids[:, t] + 1) % c["V"]; full2 = m(ids2)
            report(f"{tag} causality: logits before position {t} after changing token {t}",
                   (full2[:, :t] - full[:, :t]).abs().max().item(), 1e-6)
            report(f"{tag} causality: logits at position {t} do change", (full2[:, t] - full[:, t]).abs().max().item(), 1e-6, False)
            # GQA semantics: the same model written as MHA, KV head j copied to query heads j*r..j*r+r-1
            r, d = c["H"] // c["KV"], c["C"] // c["H"]; mha = Llama(dict(c, KV=c["H"])); sd = m.state_dict()
            for key, val in list(sd.items()):
                if any(f".{p}." in key for p in ("k", "v")):
                    sd[key] = val.view(c["KV"], d, *val.shape[1:]).repeat_interleave(r, 0).reshape(c["H"] * d, *val.shape[1:])
            mha.load_state_dict(sd)
            report(f"{tag} GQA grouping vs MHA with repeat_interleave'd K/V heads", (mha(ids) - full).abs().max().item(), 1e-5)
            # greedy KV-cache generation equals greedy decoding by full recomputation
            gen, _, _ = generate(m, ids[:, :8], 10, True, None); seq = ids[:, :8]
            for _ in range(10): seq = torch.cat([seq, m(seq)[:, -1].argmax(-1, keepdim=True)], 1)
            report(f"{tag} greedy KV-cache generation vs full recomputation, differing tokens",
                   float((gen != seq[:, 8:]).sum()), 0)
    # RoPE is a rotation: q.k depends on the relative position only
    q, k, inv = torch.randn(16), torch.randn(16), 1.0 / 10000 ** (torch.arange(0, 16, 2).float() / 16)

    def at(x, p): e = torch.cat([p * inv, p * inv]); return rope(x, e.cos(), e.sin())
    report("RoPE relative-position invariance", abs((at(q, 3) @ at(k, 1)) - (at(q, 40) @ at(k, 38))).item(), 1e-4)
    print(f"check: {'all ok' if ok else 'FAILED'}", file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", default="smollm2-135m", choices=SHAPES)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", default=None, help="comma list of gen,score,train,mem (default: all)")
    ap.add_argument("--iters", type=int, default=3, help="timed repeats of each part (after one warm-up)")
    ap.add_argument("--soak", type=int, default=50, help="scoring iterations of the memory soak")
    ap.add_argument("--greedy", action="store_true", help="greedy decoding instead of multinomial sampling")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    parts = set((a.only or "gen,score,train,mem").split(","))
    if a.check and not check(): sys.exit(1)
    base = dict(threads=torch.get_num_threads(), dtype="float32", torch=torch.__version__,
                openblas_coretype=os.environ.get("OPENBLAS_CORETYPE", "auto"))

    def emit(what, value, unit, **kw):
        print(json.dumps(dict(shape=a.shape, what=what, value=round(value, 3), unit=unit, **kw, **base)), flush=True)

    c = SHAPES[a.shape]; rss0 = rss_mib()
    t0 = time.perf_counter(); torch.manual_seed(0); m = Llama(c); dt = time.perf_counter() - t0
    n = sum(p.numel() for p in m.parameters())
    emit("init_s", dt, "s", params=n, init="normal(0,0.02), random weights")
    emit("rss_after_init", rss_mib(), "MiB", peak_mib=round(peak_mib(), 1), rss_before_model_mib=round(rss0, 1), params=n)
    emit("peak_rss_after_init", peak_mib(), "MiB", source="ru_maxrss", params=n)
    g = torch.Generator().manual_seed(1); V = c["V"]

    if "gen" in parts:
        Pn, new, sampling = 32, 64, "greedy" if a.greedy else "multinomial(softmax, T=1)"
        for B in (1, 16):
            prompt = torch.randint(0, V, (B, Pn), generator=g)
            generate(m, prompt, 8, a.greedy, g)  # warm-up
            runs = [generate(m, prompt, new, a.greedy, g)[1:] for _ in range(a.iters)]
            kw = dict(batch=B, prompt=Pn, new_tokens=new, sampling=sampling, iters=a.iters, stat="median")
            emit("gen_prefill", statistics.median(B * Pn / p for p, _ in runs), "tokens/s", **kw)
            emit("gen_decode", statistics.median(B * (new - 1) / d for _, d in runs), "tokens/s", **kw,
                 note=f"{new - 1} single-token KV-cache steps incl. sampling; token 1 comes from the prefill")
            emit("gen_end_to_end", statistics.median(B * new / (p + d) for p, d in runs), "tokens/s", **kw,
                 note="new tokens / (prefill + decode)")

    B, T, K = 8, 128, 32
    ids = torch.randint(0, V, (B, T), generator=g)
    if "score" in parts:
        score(m, ids, K)  # warm-up
        runs = []
        for _ in range(a.iters):
            t0 = time.perf_counter(); score(m, ids, K); runs.append(time.perf_counter() - t0)
        emit("score", statistics.median(B * T / d for d in runs), "tokens/s", batch=B, seq=T, topk=K, iters=a.iters,
             stat="median", note="no_grad forward + log_softmax + next-token gather + top-k, tokens = B*T")

    if "mem" in parts:
        marks = sorted({i for i in (1, 10, a.soak) if i <= a.soak}); t0 = time.perf_counter()
        for i in range(1, a.soak + 1):
            score(m, ids, K)
            if i in marks:
                emit("soak_rss", rss_mib(), "MiB", iteration=i, peak_mib=round(peak_mib(), 1), batch=B, seq=T, topk=K)
        emit("soak_score", a.soak * B * T / (time.perf_counter() - t0), "tokens/s", iterations=a.soak, batch=B, seq=T, topk=K)

    if "train" in parts and (a.shape == "smollm2-135m" or a.only):
        P_, R = 16, 112
        opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
        ids_t = torch.randint(0, V, (B, P_ + R), generator=g)
        logp = -(0.1 + 4 * torch.rand(B, R, generator=g)); logq_old = -(0.1 + 4 * torch.rand(B, R, generator=g))
        sup = torch.randint(0, V, (B, R, K), generator=g); sup_valid = torch.ones(B, R, K)
        sup_lp = torch.full((B, R, K), math.log(0.5 / K)); tail = torch.full((B, R), math.log(0.5))
        loss = step(m, opt, ids_t, P_, logp, logq_old, sup, sup_valid, sup_lp, tail)  # warm-up (allocates AdamW state)
        t0 = time.perf_counter()
        for _ in range(a.iters): loss = step(m, opt, ids_t, P_, logp, logq_old, sup, sup_valid, sup_lp, tail)
        dt = (time.perf_counter() - t0) / a.iters
        emit("train_minillm_step", B * R / dt, "response tokens/s", ms_step=round(1000 * dt, 1), batch=B, prompt=P_,
             response=R, support_k=K, steps=a.iters, warmup_steps=1, loss=round(loss, 4), peak_mib=round(peak_mib(), 1))


if __name__ == "__main__":
    main()
