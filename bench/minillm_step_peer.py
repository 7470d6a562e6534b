"""PyTorch eager peer of `distill bench`'s MiniLLM trainer step: the same models, batch and arithmetic
(forward, rewards/returns/whitening, PPO-clipped policy loss, support-set reverse KL with a tail bucket,
backward, grad-norm clip, AdamW), to compare the DJL numbers against on one machine in one session.

Needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread); run:
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/minillm_step_peer.py 1
"""
import math, sys, time, torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
from minillm_step import step  # noqa: E402  (the shared step; this file's directory is on sys.path)
from torch_gpt_peer import Gpt  # noqa: E402  (the same GPT-2 model as the generation/training peer)


def bench(name, V, C, H, L, steps, B=8, P=16, R=112, K=56):
    torch.manual_seed(0); m = Gpt(V, C, H, L); n = sum(p.numel() for p in m.parameters())
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, V, (B, P + R))
    logp = -(0.1 + 4 * torch.rand(B, R)); logq_old = -(0.1 + 4 * torch.rand(B, R))
    sup = torch.randint(0, V, (B, R, K)); sup_valid = torch.ones(B, R, K)
    sup_lp = torch.full((B, R, K), math.log(0.5 / K)); tail = torch.full((B, R), math.log(0.5))
    for i in range(steps + 2):
        if i == 2: t0 = time.perf_counter()
        step(m, opt, ids, P, logp, logq_old, sup, sup_valid, sup_lp, tail)
    dt = (time.perf_counter() - t0) / steps
    print(f"{name}\tparams={n}\tresponse_tok_s={B * R / dt:.0f}\tms_step={1000 * dt:.1f}\tthreads={torch.get_num_threads()}")


bench("gpt-1M  V1024 C128 H4 L4", 1024, 128, 4, 4, 20)
bench("gpt-10M V2048 C384 H6 L5", 2048, 384, 6, 5, 8)
if "--large-vocab" in sys.argv:
    bench("gpt-7M  V50257 C128 H4 L4", 50257, 128, 4, 4, 6)
