"""The MiniLLM trainer step in plain PyTorch, shared by the peer benchmarks (minillm_step_peer.py for GPT-2
shapes, llama_peer.py for Llama-family shapes): forward, rewards/returns/whitening, PPO-clipped policy loss
with the importance weight w, support-set reverse-KL regulariser with a tail bucket, backward, grad-norm
clip 1.0, AdamW step. The same arithmetic as the Java trainer's MiniLLM objective.
"""
import torch
import torch.nn.functional as F

ALPHA, GAMMA, SCALE, CLIP_R, CLIP = 0.2, 0.95, 0.5, 100.0, 0.2


def step(m, opt, ids, P, logp, logq_old, sup, sup_valid, sup_lp, tail):
    B, R = logp.shape
    mask = torch.ones(B, R)
    resp = m(ids[:, :-1])[:, P - 1:, :]                                        # (B, R, V)
    y = ids[:, P:]
    with torch.no_grad():
        w = torch.exp(logq_old - torch.log(ALPHA * logp.exp() + (1 - ALPHA) * logq_old.exp()))
        r = torch.clip((logp - logq_old) / SCALE, -CLIP_R, CLIP_R) * mask
        idx = torch.arange(R)
        G = torch.where(idx[:, None] >= idx[None, :], GAMMA ** (idx[:, None] - idx[None, :]).double(), torch.zeros(1, dtype=torch.double)).float()
        ret = r @ G
        cs = mask.cumsum(-1); remaining = mask - cs + cs[:, -1:]
        normed = ret / remaining.masked_fill(remaining == 0, 1)
        v = normed[mask.bool()]
        adv = (normed - v.mean()) * torch.rsqrt(v.var(unbiased=True) + 1e-8) * mask
    lq_full = F.log_softmax(resp, -1)
    logq = lq_full.gather(-1, y[..., None]).squeeze(-1) * mask
    ratio = torch.exp((logq - logq_old) * mask) * w
    pg = torch.sum(torch.max(-adv * ratio, -adv * ratio.clamp(1 - CLIP, 1 + CLIP)) * mask) / mask.sum()
    lqS = lq_full.gather(-1, sup) * sup_valid
    qS = lqS.exp() * sup_valid
    q_tail = (1 - qS.sum(-1)).clamp_min(1e-30)
    lq_b = torch.cat([lqS, q_tail.log()[..., None]], -1)
    lp_b = torch.cat([sup_lp * sup_valid, tail[..., None]], -1)
    valid = torch.cat([sup_valid, torch.ones(B, R, 1)], -1)
    reg = torch.sum(torch.sum(lq_b.exp() * valid * (lq_b - lp_b), -1) * mask) / mask.sum()
    loss = pg + reg
    opt.zero_grad(); loss.backward()
    torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    return loss.item()
